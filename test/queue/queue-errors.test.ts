// Error classes and odd thrown values through Redis: the JSON error codec, a worker
// in another process, and (model process) a pool inside that worker.
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerModuleErrorClasses } from '../../packages/concur/src/backend.ts';
import { fromBullFailure, toBullError } from '../../packages/queue/src/error-codec.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { moduleUrlsUnder, TaskResolver } from '../../packages/queue/src/task-identity.ts';
import { throwThis } from '../fixtures/throw-tasks.ts';
import type { ThrownSpec } from '../fixtures/thrown-values.ts';
import { checkOutcome } from '../shared/thrown-outcome.ts';
import {
  freshQueue,
  redisForThisFile,
  startWorker,
  tempDir,
  type WorkerProcess,
} from './harness.ts';

const redis = redisForThisFile();
const THROW_TASKS = fileURLToPath(new URL('../fixtures/throw-tasks.ts', import.meta.url));

const error = (
  cls: Extract<ThrownSpec, { kind: 'error' }>['cls'],
  more: Partial<Extract<ThrownSpec, { kind: 'error' }>> = {},
): ThrownSpec => ({
  kind: 'error',
  cls,
  message: `a ${cls}`,
  props: { status: 503, detail: 'x' },
  broken: [],
  cycle: false,
  proxied: false,
  ...more,
});

const CASES: [string, ThrownSpec][] = [
  ['a class the task module exports', error('ExportedError')],
  ['a class registered by name', error('RegisteredError', { cause: error('ExportedError') })],
  ['a sync error', error('LockNotHeldError')],
  ['an unknown class, as its nearest built-in', error('UnknownError')],
  ['a DOMException', { kind: 'dom', message: 'gone', name: 'NotFoundError' }],
  ['getters that throw', error('ExportedError', { broken: ['name', 'message', 'stack'] })],
  ['an error that is its own cause', error('RegisteredError', { cycle: true })],
  [
    'an AggregateError that holds itself',
    { kind: 'aggregate', message: 'all', members: [error('TypeError')], selfMember: true },
  ],
  ['a revoked Proxy', { kind: 'proxy', of: 'error', how: 'revoked' }],
];

for (const model of ['async', 'process'] as const) {
  describe(`QueueExecutor, worker model ${model}: what a task throws`, () => {
    const queue = freshQueue(`errors-${model}`);
    let worker: WorkerProcess;
    let executor: QueueExecutor;
    before(async () => {
      worker = await startWorker(redis.url, queue, ['--model', model, '--tasks', THROW_TASKS]);
      executor = new QueueExecutor({ connection: redis.url, queue });
    });
    after(async () => {
      await executor.shutdown();
      await worker.stop();
    });

    for (const [what, spec] of CASES) {
      test(`${what} comes back as documented`, async () => {
        const got = await executor.submit(throwThis, spec, true).then(
          () => new Error('the task did not throw'),
          (e: unknown) => e,
        );
        checkOutcome(spec, got);
      });
    }
  });
}

test('a class a task module exports travels by its path under the tasks root, so the submitter finds its own copy', () => {
  // The worker runs tasks/shipping.js under its --tasks; the submitter has shipping.ts elsewhere.
  const dir = realpathSync(tempDir());
  mkdirSync(join(dir, 'worker'));
  writeFileSync(join(dir, 'worker', 'shipping.js'), '');
  const resolver = new TaskResolver(join(dir, 'worker'));
  class WorkerCopy extends Error {}
  class SubmitterCopy extends Error {}
  registerModuleErrorClasses(pathToFileURL(join(dir, 'worker', 'shipping.js')).href, {
    ShippingError: WorkerCopy,
  });
  registerModuleErrorClasses(pathToFileURL(join(dir, 'submitter', 'shipping.ts')).href, {
    ShippingError: SubmitterCopy,
  });
  const thrown = toBullError(new WorkerCopy('lost parcel'), {}, false, {
    moduleName: (url) => resolver.moduleName(url),
  });
  const { error } = fromBullFailure([thrown.stack!], thrown.message, {
    moduleUrls: moduleUrlsUnder(join(dir, 'submitter')),
  });
  assert.ok(error instanceof SubmitterCopy, String(error));
  assert.equal((error as Error).message, 'lost parcel');
  // A module outside the worker's root is not named: the error comes back as its built-in.
  class Outside extends Error {}
  registerModuleErrorClasses(pathToFileURL(join(dir, 'elsewhere.js')).href, { Outside });
  const outside = toBullError(new Outside('x'), {}, false, {
    moduleName: (url) => resolver.moduleName(url),
  });
  const back = fromBullFailure([outside.stack!], outside.message, {
    moduleUrls: moduleUrlsUnder(join(dir, 'submitter')),
  }).error;
  assert.equal(Object.getPrototypeOf(back), Error.prototype);
});
