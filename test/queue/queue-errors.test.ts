// Error classes and odd thrown values through Redis: the JSON error codec, a worker
// in another process, and (model process) a pool inside that worker.
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerModuleErrorClasses } from '../../packages/concur/src/backend.ts';
import { fromBullFailure, toBullError } from '../../packages/queue/src/error-codec.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { moduleUrlsUnder } from '../../packages/queue/src/task-identity.ts';
import { WorkerTasks } from '../../packages/queue/src/worker-tasks.ts';
import { ExportedError, throwThis } from '../fixtures/throw-tasks.ts';
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
const CORE = fileURLToPath(new URL('../../packages/concur/src/index.ts', import.meta.url));

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
      worker = await startWorker(redis.url, queue, ['--model', model], process.env, {
        tasks: THROW_TASKS,
      });
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

test('a class a task module exports travels by its path under the tasks root, so the submitter finds its own copy', async () => {
  // The worker loaded throw-tasks.ts under its root; the submitter has its own throw-tasks.js elsewhere.
  const tasks = await WorkerTasks.load([THROW_TASKS]);
  const naming = { moduleName: (url: string) => tasks.moduleName(url) };
  assert.equal(naming.moduleName(pathToFileURL(THROW_TASKS).href), 'throw-tasks.ts');
  const dir = realpathSync(tempDir());
  class SubmitterCopy extends Error {}
  registerModuleErrorClasses(pathToFileURL(join(dir, 'submitter', 'throw-tasks.js')).href, {
    ExportedError: SubmitterCopy,
  });
  const thrown = toBullError(new ExportedError('lost parcel'), {}, false, naming);
  const { error } = fromBullFailure([thrown.stack!], thrown.message, {
    moduleUrls: moduleUrlsUnder(join(dir, 'submitter')),
  });
  assert.ok(error instanceof SubmitterCopy, String(error));
  assert.equal((error as Error).message, 'lost parcel');
  // Modules the worker did not load are not named, outside its root or under it:
  // the error comes back as its built-in.
  for (const file of [join(dir, 'elsewhere.js'), join(dirname(THROW_TASKS), 'not-loaded.js')]) {
    class Outside extends Error {}
    registerModuleErrorClasses(pathToFileURL(file).href, { Outside });
    const outside = toBullError(new Outside('x'), {}, false, naming);
    const back = fromBullFailure([outside.stack!], outside.message, {
      moduleUrls: moduleUrlsUnder(join(dir, 'submitter')),
    }).error;
    assert.equal(Object.getPrototypeOf(back), Error.prototype, file);
  }
});

test('a worker given a folder names the error classes of the task modules its index re-exports', async () => {
  // --tasks dir: dir/index.mjs re-exports dir/billing/charge.mjs, which defines the task and its error.
  const dir = realpathSync(tempDir());
  mkdirSync(join(dir, 'billing'));
  writeFileSync(
    join(dir, 'billing', 'charge.mjs'),
    `import { task } from ${JSON.stringify(CORE)};
export class DeclinedError extends Error {}
export const charge = task(import.meta.url, function charge() { throw new DeclinedError('no'); });
`,
  );
  writeFileSync(
    join(dir, 'index.mjs'),
    "export { charge, DeclinedError } from './billing/charge.mjs';\n",
  );
  const tasks = await WorkerTasks.load([dir]);
  const charge = join(dir, 'billing', 'charge.mjs');
  assert.equal(tasks.moduleName(pathToFileURL(charge).href), 'billing/charge.mjs');
  assert.equal(tasks.moduleName(pathToFileURL(join(dir, 'index.mjs')).href), 'index.mjs');
  const { DeclinedError } = (await import(pathToFileURL(charge).href)) as {
    DeclinedError: new (message: string) => Error;
  };
  class SubmitterCopy extends Error {}
  registerModuleErrorClasses(pathToFileURL(join(dir, 'submitter', 'billing', 'charge.mts')).href, {
    DeclinedError: SubmitterCopy,
  });
  const thrown = toBullError(new DeclinedError('card declined'), {}, false, {
    moduleName: (url) => tasks.moduleName(url),
  });
  const { error } = fromBullFailure([thrown.stack!], thrown.message, {
    moduleUrls: moduleUrlsUnder(join(dir, 'submitter')),
  });
  assert.ok(error instanceof SubmitterCopy, String(error));
  assert.equal((error as Error).message, 'card declined');
});
