// The shared executor behaviour, run on QueueExecutor with two `concur worker` processes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  asCompleted,
  CancelledError,
  DataCloneError,
  ExecutorShutdownError,
  InvalidTaskError,
  TaskNotFoundError,
  TimeoutError,
  wait,
} from '../../packages/concur/src/index.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { outside } from '../fixtures/queue/outside.ts';
import {
  add,
  failOn,
  getHiddenTask,
  notATask,
  pidWhenReleased,
  sleep,
  square,
  waitForFile,
  whoAmI,
} from '../fixtures/queue/tasks.ts';
import {
  freshQueue,
  redisForThisFile,
  startWorker,
  tempDir,
  until,
  type WorkerProcess,
} from './harness.ts';

const redis = redisForThisFile();

interface Cluster {
  executor: QueueExecutor;
  workers: WorkerProcess[];
}

const MODEL_ARGS = {
  async: ['--model', 'async', '--concurrency', '4'],
  thread: ['--model', 'thread', '--workers', '2'],
  process: ['--model', 'process', '--workers', '2'],
};

/** Two worker processes (by default one async, one thread model) and an executor, all on a fresh queue. */
async function withCluster(
  label: string,
  body: (c: Cluster) => Promise<void>,
  models: (keyof typeof MODEL_ARGS)[] = ['async', 'thread'],
): Promise<void> {
  const queue = freshQueue(label);
  const workers = await Promise.all(
    models.map((m) => startWorker(redis.url, queue, MODEL_ARGS[m])),
  );
  const executor = new QueueExecutor({ connection: redis.url, queue, reconcileIntervalMs: 500 });
  try {
    await body({ executor, workers });
  } finally {
    await executor.shutdown({ cancelPending: true });
    const codes = await Promise.all(workers.map((w) => w.stop()));
    assert.deepEqual(codes, [0, 0], 'workers exit cleanly on SIGTERM');
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* asyncRange(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

describe('QueueExecutor: shared executor behaviour', () => {
  test('submit resolves with the result; errors keep class, message and code', () =>
    withCluster('submit', async ({ executor }) => {
      assert.equal(executor.kind, 'queue');
      assert.equal(await executor.submit(add, 2, 3), 5);
      assert.equal(await executor.submit(sleep, 1), undefined);
      assert.deepEqual(await executor.submit(sleep, 1, { a: [1, 'x', null] }), {
        a: [1, 'x', null],
      });
      const future = executor.submit(failOn, 7, 7);
      await assert.rejects(future, (error: Error & { code?: string }) => {
        assert.ok(error instanceof RangeError);
        assert.equal(error.message, 'item 7 is bad');
        assert.equal(error.code, 'E_BAD_ITEM');
        return true;
      });
      assert.equal(future.state, 'rejected');
    }));

  test('map and starmap: ordered and unordered, sync and async input', () =>
    withCluster('map', async ({ executor }) => {
      const n = 60;
      const expected = Array.from({ length: n }, (_, i) => i * i);
      assert.deepEqual(
        await collect(
          executor.map(
            square,
            Array.from({ length: n }, (_, i) => i),
          ),
        ),
        expected,
      );
      assert.deepEqual(
        await collect(executor.map(square, asyncRange(n), { chunksize: 7 })),
        expected,
      );
      const unordered = await collect(
        executor.map(square, asyncRange(n), { ordered: false, chunksize: 3 }),
      );
      assert.deepEqual(
        [...unordered].sort((a, b) => a - b),
        expected,
      );
      const sums = await collect(
        executor.starmap(add, [
          [1, 2],
          [3, 4],
          [5, 6],
        ] as [number, number][]),
      );
      assert.deepEqual(sums, [3, 7, 11]);
    }));

  test('an error in map surfaces at its item, after the values before it', () =>
    withCluster('map-error', async ({ executor }) => {
      const seen: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const v of executor.starmap(
            failOn,
            [
              [1, 5],
              [2, 5],
              [5, 5],
              [6, 5],
            ] as [number, number][],
            { chunksize: 4 },
          ))
            seen.push(v);
        })(),
        RangeError,
      );
      assert.deepEqual(seen, [10, 20]);
    }));

  // Two async workers: a thread-model worker may run 'fast' behind 'slow' in one thread.
  test('asCompleted and wait', () =>
    withCluster(
      'ascompleted',
      async ({ executor }) => {
        const dir = tempDir();
        try {
          const futures = [
            executor.submit(waitForFile, join(dir, 'gate1'), 'slow'),
            executor.submit(sleep, 1, 'fast'),
          ];
          const order: unknown[] = [];
          for await (const f of asCompleted(futures)) {
            order.push(await f);
            writeFileSync(join(dir, 'gate1'), '');
          }
          assert.deepEqual(order, ['fast', 'slow']);
          const more = [
            executor.submit(waitForFile, join(dir, 'gate2'), 'a'),
            executor.submit(sleep, 1, 'b'),
          ];
          const first = await wait(more, { returnWhen: 'FIRST_COMPLETED' });
          assert.deepEqual([...first.done], [more[1]]);
          assert.deepEqual([...first.notDone], [more[0]]);
          writeFileSync(join(dir, 'gate2'), '');
          const all = await wait(more, { returnWhen: 'ALL_COMPLETED' });
          assert.equal(all.done.size, 2);
          assert.equal(all.notDone.size, 0);
          assert.equal(await more[0], 'a');
        } finally {
          // Never leave a task waiting: shutdown would wait for it.
          writeFileSync(join(dir, 'gate1'), '');
          writeFileSync(join(dir, 'gate2'), '');
        }
      },
      ['async', 'async'],
    ));

  test('both workers take jobs', () =>
    withCluster('spread', async ({ executor, workers }) => {
      // The async worker holds at most 4 jobs and the thread worker 2: six running at
      // once means both took some, whatever the timing.
      const dir = tempDir();
      const futures = Array.from({ length: 6 }, (_, i) => executor.submit(pidWhenReleased, dir, i));
      await until(
        'six jobs run at once',
        () => readdirSync(dir).filter((f) => f.startsWith('started-')).length === 6,
      );
      writeFileSync(join(dir, 'go'), '');
      const pids = new Set(await Promise.all(futures));
      // The thread model runs tasks in threads of the worker process: same pid.
      assert.deepEqual([...pids].sort(), workers.map((w) => w.pid).sort());
    }));

  test('--model process: tasks run in child processes of the worker, which go away with it', async () => {
    const queue = freshQueue('process-model');
    const worker = await startWorker(redis.url, queue, MODEL_ARGS.process);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    let children: number[] = [];
    try {
      children = [
        ...new Set(await Promise.all(Array.from({ length: 8 }, () => executor.submit(whoAmI)))),
      ];
      for (const pid of children) {
        // Field 4 of /proc/PID/stat is the parent's pid.
        const ppid = Number(
          readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1],
        );
        assert.equal(ppid, worker.pid, `task ran in process ${pid}, a child of the worker`);
      }
      assert.deepEqual(await collect(executor.map(square, [1, 2, 3, 4, 5])), [1, 4, 9, 16, 25]);
      await assert.rejects(executor.submit(failOn, 3, 3), RangeError);
    } finally {
      await executor.shutdown({ cancelPending: true });
      assert.equal(await worker.stop(), 0, 'the worker exits cleanly on SIGTERM');
    }
    // A child that outlived the worker would be adopted by init and still be listed.
    for (const pid of children)
      await until(`child ${pid} to be gone`, () => !existsSync(`/proc/${pid}`));
  });

  test('timeoutMs rejects a running task with TimeoutError', () =>
    withCluster('timeout', async ({ executor }) => {
      const future = executor.submitWith(sleep, [5000], { timeoutMs: 300 });
      await assert.rejects(future, TimeoutError);
      assert.equal(await executor.submit(add, 1, 1), 2);
    }));

  test('a value JSON cannot carry is refused at submit, naming the argument', () =>
    withCluster('refuse', async ({ executor }) => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const cases: [unknown[], RegExp][] = [
        [[1, new Map()], /`args\[1\]`.*a Map/],
        [[{ n: 10n }], /`args\[0\]\.n`.*a BigInt/],
        [[() => 1], /`args\[0\]`.*a function/],
        [[cyclic], /`args\[0\]\.self`.*cycle/],
      ];
      for (const [args, message] of cases) {
        const future = executor.submit(sleep as never, ...(args as never[]));
        assert.equal(future.state, 'rejected', 'refused before submit returns');
        await assert.rejects(future, (error: Error) => {
          assert.ok(error instanceof DataCloneError);
          assert.match(error.message, message);
          return true;
        });
      }
      await assert.rejects(
        collect(executor.map(square, [1, 2, new Set()] as never[])),
        DataCloneError,
      );
      // In a later chunk: the results before it come first, and the error also says where
      // that chunk starts in the input.
      const before: number[] = [];
      await assert.rejects(
        (async () => {
          const items = [1, 2, 3, 4, new Set()] as never[];
          for await (const n of executor.map(square, items, { chunksize: 2 })) before.push(n);
        })(),
        (error: Error) => {
          assert.ok(error instanceof DataCloneError);
          assert.match(error.message, /`items\[0\]`.*a Set/);
          assert.match(error.message, /the chunk that starts at item 4 of the map's input/);
          return true;
        },
      );
      assert.deepEqual(before, [1, 4, 9, 16]);
      // A value that throws when read: DataCloneError naming it, not the raw error.
      const trap = new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      );
      await assert.rejects(executor.submit(sleep as never, 1, trap as never), (error: Error) => {
        assert.ok(error instanceof DataCloneError, String(error));
        assert.match(
          error.message,
          /Cannot send `args\[1\]` through Redis: the codec `json` threw on it: trap/,
        );
        assert.equal((error.cause as Error).message, 'trap');
        return true;
      });
    }));

  test('a worker runs only tasks exported from its --tasks root', () =>
    withCluster('security', async ({ executor }) => {
      const { task } = await import('../../packages/concur/src/index.ts');
      // Same folder, other file: the workers were started with --tasks tasks.ts only.
      await assert.rejects(executor.submit(outside), TaskNotFoundError);
      await assert.rejects(executor.submit(getHiddenTask()), /exports no task named `hiddenTask`/);
      assert.throws(() => executor.submit(notATask as never), /needs a task created with task\(\)/);
      const far = new QueueExecutor({
        connection: redis.url,
        queue: 'unused',
        tasksRoot: '/nonexistent',
      });
      const stray = far.submit(task(import.meta.url, function stray() {}));
      assert.equal(stray.state, 'rejected', 'refused before submit returns');
      await assert.rejects(stray, (error: Error) => {
        assert.ok(error instanceof InvalidTaskError);
        assert.match(error.message, /outside the executor's `tasksRoot`/);
        return true;
      });
      await far.shutdown();
      assert.equal(await executor.submit(add, 1, 2), 3);
    }));

  test('shutdown waits for running work; submit after it rejects', () =>
    withCluster('shutdown', async ({ executor }) => {
      const futures = Array.from({ length: 10 }, (_, i) => executor.submit(sleep, 30, i));
      await executor.shutdown();
      assert.deepEqual(
        futures.map((f) => f.state),
        Array.from({ length: 10 }, () => 'fulfilled'),
      );
      await assert.rejects(executor.submit(add, 1, 1), ExecutorShutdownError);
      assert.throws(() => executor.map(square, [1]), ExecutorShutdownError);
    }));

  test('shutdown({ cancelPending }) settles every future', () =>
    withCluster('cancel-pending', async ({ executor }) => {
      const futures = Array.from({ length: 40 }, () => executor.submit(sleep, 100));
      await executor.shutdown({ cancelPending: true });
      assert.ok(futures.every((f) => f.done));
      const cancelled = futures.filter((f) => f.state === 'cancelled');
      assert.ok(cancelled.length > 0, 'some were still queued');
      await assert.rejects(cancelled[0]!, CancelledError);
      assert.equal(executor.stats().cancelled, cancelled.length);
    }));

  test('stats count what happened', () =>
    withCluster('stats', async ({ executor }) => {
      await executor.submit(add, 1, 1);
      await executor.submit(failOn, 1, 1).catch(() => {});
      const cancelled = executor.submit(sleep, 1);
      assert.equal(cancelled.cancel(), true);
      await assert.rejects(cancelled, CancelledError);
      const stats = executor.stats();
      assert.equal(stats.submitted, 3);
      assert.equal(stats.completed, 1);
      assert.equal(stats.failed, 1);
      assert.equal(stats.cancelled, 1);
      assert.equal(stats.queued, 0);
      assert.equal(stats.busyWorkers, 0);
      assert.ok(stats.runTime.p50 >= 0);
    }));
});
