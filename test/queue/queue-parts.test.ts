// The queue executor's parts that need no Redis: codec, task identity, worker-side
// task lookup, options, and the promise that importing concur does not load BullMQ.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DataCloneError,
  InvalidArgumentError,
  InvalidTaskError,
  TaskNotFoundError,
} from '../../packages/concur/src/index.ts';
import { parseConnection } from '../../packages/queue/src/connection.ts';
import { fromBullFailure, toBullError } from '../../packages/queue/src/error-codec.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { jsonCodec, v8Codec } from '../../packages/queue/src/job-codec.ts';
import { taskIdentity } from '../../packages/queue/src/task-identity.ts';
import { WorkerTasks } from '../../packages/queue/src/worker-tasks.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { TASKS, tempDir } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('job codec', () => {
  test('JSON round trip, undefined included', () => {
    for (const value of [undefined, null, 0, 'x', [1, [2]], { a: { b: true } }]) {
      assert.deepEqual(jsonCodec.decode(jsonCodec.encode(value, 'result')), value);
    }
  });
  test('refuses what JSON would change, naming the path', () => {
    const cases: [unknown, RegExp][] = [
      [[1, new Map()], /`args\[1\]`.*it is a Map/],
      [[{ x: [1n] }], /`args\[0\]\.x\[0\]`.*it is a BigInt/],
      [[{ f: function named() {} }], /`args\[0\]\.f`.*it is a function \(named\)/],
      [[Number.NaN], /the number NaN/],
      [[new Date()], /a Date/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => jsonCodec.encode(value, 'args'),
        (error: Error) => {
          assert.ok(error instanceof DataCloneError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
    const a: unknown[] = [];
    a.push({ back: a });
    assert.throws(
      () => jsonCodec.encode([a], 'args'),
      /`args\[0\]\[0\]\.back`.*refers back to itself/,
    );
    const shared = { n: 1 };
    assert.equal(
      jsonCodec.encode([shared, shared], 'args'),
      '[{"n":1},{"n":1}]',
      'a shared object is not a cycle',
    );
  });
});

describe('v8 codec', () => {
  test('carries Map, Set, BigInt, Date and cycles; refuses functions naming the root', () => {
    const cyclic: Record<string, unknown> = {
      when: new Date(0),
      big: 10n,
      map: new Map([[1, new Set([2])]]),
    };
    cyclic.self = cyclic;
    const back = v8Codec.decode(v8Codec.encode([cyclic], 'args')) as [Record<string, unknown>];
    assert.equal(back[0].self, back[0]);
    assert.deepEqual(back[0].map, new Map([[1, new Set([2])]]));
    assert.equal(back[0].big, 10n);
    assert.deepEqual(back[0].when, new Date(0));
    assert.throws(
      () => v8Codec.encode([() => 1], 'args'),
      (error: Error) => {
        assert.ok(error instanceof DataCloneError);
        assert.match(error.message, /`args` through Redis with the v8 codec/);
        return true;
      },
    );
  });
});

/** What BullMQ stores of an error a worker throws (its stack, as text), read back. */
function throughBull(error: unknown, extra?: Record<string, unknown>, final?: boolean) {
  const thrown = toBullError(error, extra, final);
  const stored: string[] = JSON.parse(JSON.stringify([thrown.stack]));
  return { thrown, back: fromBullFailure(stored, thrown.message) };
}

describe('errors across the queue', () => {
  test('built-in classes, code, custom properties and cause come back', () => {
    const cause = new TypeError('inner');
    const error = Object.assign(new RangeError('outer', { cause }), {
      code: 'E_X',
      detail: { n: 1 },
    });
    const { thrown, back } = throughBull(error, { index: 3 });
    assert.equal(thrown.name, 'RangeError', 'dashboards see the class');
    assert.ok(thrown.stack?.startsWith(error.stack!), 'and the original stack');
    assert.deepEqual(back.extra, { index: 3 });
    const copy = back.error as RangeError;
    assert.ok(copy instanceof RangeError);
    assert.equal(copy.message, 'outer');
    assert.equal(copy.stack, error.stack);
    assert.equal((copy as unknown as { code: string }).code, 'E_X');
    assert.deepEqual((copy as unknown as { detail: unknown }).detail, { n: 1 });
    assert.ok(copy.cause instanceof TypeError);
    assert.ok(throughBull(new TaskNotFoundError('gone')).back.error instanceof TaskNotFoundError);
  });

  test('final errors stop retries; a non-Error throw and a foreign stack still come back', () => {
    assert.equal(throughBull(new Error('no'), {}, true).thrown.name, 'UnrecoverableError');
    const { thrown, back } = throughBull('a string');
    assert.match(thrown.message, /A non-Error value was thrown: a string/);
    assert.equal(back.error, 'a string', 'the thrown value itself, as the pools give it');
    const nothing = throughBull(undefined);
    assert.match(nothing.thrown.message, /A non-Error value was thrown: undefined/);
    assert.equal(nothing.back.error, undefined);
    assert.equal('error' in nothing.back, true);
    const foreign = fromBullFailure(['Error: boom\n    at somewhere'], 'boom');
    assert.ok(foreign.error instanceof Error);
    assert.equal((foreign.error as Error).message, 'boom');
    assert.equal((foreign.error as Error).stack, 'Error: boom\n    at somewhere');
    const garbled = fromBullFailure([`x\n--concur-error-json--\n{"error":{"nope":1}}`], 'why');
    assert.equal((garbled.error as Error).message, 'why');
  });
});

describe('task identity', () => {
  test('relative to the task module folder by default, or to tasksRoot', () => {
    assert.deepEqual({ ...taskIdentity(add, undefined) }, { module: 'tasks.ts', name: 'add' });
    assert.deepEqual(
      { ...taskIdentity(add, join(ROOT, 'test')) },
      { module: 'fixtures/queue/tasks.ts', name: 'add' },
    );
    assert.throws(() => taskIdentity(add, join(ROOT, 'src')), /outside the executor's `tasksRoot`/);
  });

  test('the worker side finds only tasks exported by the modules it was given', async () => {
    const file = await WorkerTasks.load([TASKS]);
    assert.equal(file.find({ module: 'tasks.ts', name: 'add' }), add);
    assert.equal(
      file.find({ module: 'tasks.js', name: 'add' }),
      add,
      'a .js name finds the .ts twin',
    );
    const unknown: unknown[] = [
      { module: 'outside.ts', name: 'outside' },
      { module: '../queue/tasks.ts', name: 'add' },
      { module: '/etc/passwd', name: 'x' },
      { module: TASKS, name: 'add' },
      { module: 'tasks.ts' },
      { module: 7, name: 'add' },
      'tasks.ts#add',
      ['tasks.ts', 'add'],
      null,
      undefined,
    ];
    for (const identity of unknown) {
      assert.throws(() => file.find(identity), TaskNotFoundError, String(JSON.stringify(identity)));
    }
    // A module the worker loaded, a name it does not export: the rule of every executor.
    for (const name of ['notATask', 'hiddenTask', 'constructor', '__proto__']) {
      assert.throws(() => file.find({ module: 'tasks.ts', name }), InvalidTaskError, name);
    }
    assert.throws(
      () => file.find({ module: 'tasks.ts', name: 'hiddenTask' }),
      /tasks\.ts exports no task named `hiddenTask`.*Write `export const hiddenTask = task/,
    );
    assert.throws(() => file.find(undefined), /`task` is undefined/);
    assert.throws(() => file.find({ module: 'tasks.ts', name: 3 }), /`task\.name` is 3 \(number\)/);
  });

  test('a folder stands for its index module; without one it is refused, and nothing else is imported', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'side-effect.mjs'),
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(join(dir, 'ran'))}, 'x');`,
    );
    await assert.rejects(WorkerTasks.load([dir]), /has no index module/);
    writeFileSync(join(dir, 'index.mjs'), `export { add } from ${JSON.stringify(TASKS)};`);
    await assert.rejects(
      WorkerTasks.load([dir]),
      /export no task under|exports no task under/,
      'add is defined outside the folder',
    );
    const rooted = await WorkerTasks.load([TASKS], join(ROOT, 'test'));
    assert.equal(rooted.find({ module: 'fixtures/queue/tasks.ts', name: 'add' }), add);
    assert.throws(() => rooted.find({ module: 'tasks.ts', name: 'add' }), TaskNotFoundError);
    await assert.rejects(WorkerTasks.load([join(dir, 'missing')]), TaskNotFoundError);
    assert.equal(existsSync(join(dir, 'ran')), false, 'the side-effect module was never imported');
  });
});

describe('options', () => {
  test('connection: URL or parts, with password and TLS', () => {
    const url = parseConnection('rediss://user:p%40ss@cache.example:6380/2');
    assert.equal(url.host, 'cache.example');
    assert.equal(url.port, 6380);
    assert.equal(url.db, 2);
    assert.equal(url.username, 'user');
    assert.equal(url.password, 'p@ss');
    assert.deepEqual(url.tls, { servername: 'cache.example' });
    const parts = parseConnection({ host: 'h', password: 'pw', tls: { rejectUnauthorized: true } });
    assert.equal(parts.port, 6379);
    assert.equal(parts.password, 'pw');
    assert.deepEqual(parts.tls, { servername: 'h', rejectUnauthorized: true });
    // SNI may not carry an IP address (RFC 6066; Node warns DEP0123): the certificate is checked against the IP.
    assert.deepEqual(parseConnection('rediss://10.0.0.5:6380').tls, {});
    assert.deepEqual(parseConnection({ host: '::1', tls: true }).tls, {});
    assert.throws(
      () => parseConnection('http://x'),
      /Expected `connection` to be a redis:\/\/ or rediss:\/\/ URL/,
    );
    assert.throws(
      () => parseConnection({ port: 0 }),
      /Expected `connection.port` to be an integer from 1 to 65535, got `0`/,
    );
    assert.throws(() => parseConnection({ hots: 'x' }), /Unknown option `hots`/);
  });

  test('QueueExecutor checks its options with the one message template', () => {
    const base = { connection: 'redis://127.0.0.1:1', queue: 'q' };
    assert.throws(() => new QueueExecutor({ ...base, queue: 'a b' }), InvalidArgumentError);
    assert.throws(
      () => new QueueExecutor({ ...base, retries: 1.5 }),
      /Expected `retries` to be an integer from 0 to 1000, got `1.5` \(number\)/,
    );
    assert.throws(
      () => new QueueExecutor({ ...base, backoff: { type: 'linear' as 'fixed', delayMs: 1 } }),
      /Expected `backoff.type` to be one of 'fixed', 'exponential'/,
    );
    assert.throws(
      () => new QueueExecutor({ ...base, removeCompletedAfterMs: 10 }),
      /removeCompletedAfterMs/,
    );
    assert.throws(
      () => new QueueExecutor({ ...base, heartbeatMs: 0 }),
      /Expected `heartbeatMs` to be an integer from 50 and up, got `0`/,
    );
    assert.throws(() => new QueueExecutor({ ...base, codec: {} as never }), /Expected `codec`/);
    // A pool's option: where it belongs instead.
    assert.throws(
      () => new QueueExecutor({ ...base, maxWorkers: 2 } as never),
      /`maxWorkers` belongs to the workers \(`concur worker --workers N --concurrency K`\); QueueExecutor limits the jobs it has in flight with `capacity`$/,
    );
  });
});

describe('loading', () => {
  test('importing concur does not load bullmq or ioredis; importing concur-queue does', () => {
    const probe = (entry: string) =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `import { createRequire } from 'node:module';
           await import(${JSON.stringify(join(ROOT, entry))});
           const cache = Object.keys(createRequire(import.meta.url).cache);
           process.stdout.write(JSON.stringify(['bullmq', 'ioredis'].map((m) => cache.some((k) => k.includes('/node_modules/' + m + '/')))));`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
    assert.equal(probe('packages/concur/src/index.ts'), '[false,false]');
    assert.equal(probe('packages/queue/src/index.ts'), '[true,true]');
  });
});

describe('no Redis at all', () => {
  test('shutdown({ cancelPending }) still settles every future and resolves', async () => {
    const executor = new QueueExecutor({ connection: 'redis://127.0.0.1:1', queue: 'nowhere' });
    const futures = [executor.submit(add, 1, 2), executor.submit(add, 3, 4)];
    await executor.shutdown({ cancelPending: true });
    assert.deepEqual(
      futures.map((f) => f.state),
      ['cancelled', 'cancelled'],
    );
  });
});
