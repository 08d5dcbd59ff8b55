// Failure semantics of QueueExecutor against a real redis-server (no mocks).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Queue } from 'bullmq';
import { CancelledError, DataCloneError } from '../../packages/concur/src/index.ts';
import { QueueExecutor, v8Codec } from '../../packages/queue/src/index.ts';
import {
  add,
  flaky,
  markThenSleep,
  pidWhenReleased,
  sleep,
  waitForFile,
} from '../fixtures/queue/tasks.ts';
import {
  freshQueue,
  inspector,
  redisForThisFile,
  startWorker,
  tempDir,
  until,
  type WorkerProcess,
} from './harness.ts';

const redis = redisForThisFile();

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** Runs `body`, then shuts everything down whatever happened. */
async function scenario(
  cleanup: { executor?: QueueExecutor; workers: WorkerProcess[]; inspect?: Queue },
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } finally {
    await cleanup.executor?.shutdown({ cancelPending: true });
    await Promise.all(cleanup.workers.map((w) => w.stop('SIGKILL')));
    await cleanup.inspect?.close();
  }
}

describe('QueueExecutor failure semantics', () => {
  test('a worker killed mid-job: another takes the job after the stall interval; the future resolves once', async () => {
    const queue = freshQueue('sigkill');
    const workers = await Promise.all([
      startWorker(redis.url, queue, ['--model', 'async']),
      startWorker(redis.url, queue, ['--model', 'async']),
    ]);
    const executor = new QueueExecutor({ connection: redis.url, queue, reconcileIntervalMs: 500 });
    await scenario({ executor, workers }, async () => {
      const starts = join(tempDir(), 'starts');
      const future = executor.submit(markThenSleep, starts, 20_000, 50);
      await until('the job to start', () => lines(starts).length === 1);
      const first = Number(lines(starts)[0]);
      const victim = workers.find((w) => w.pid === first)!;
      const survivor = workers.find((w) => w.pid !== first)!;
      assert.equal(await victim.stop('SIGKILL'), 'SIGKILL');
      const pid = await future;
      assert.equal(pid, survivor.pid);
      assert.deepEqual(
        lines(starts).map(Number),
        [first, survivor.pid],
        'ran twice: at least once',
      );
      const stats = executor.stats();
      assert.equal(stats.completed, 1);
      assert.equal(stats.failed, 0);
    });
  });

  test('retries and backoff, per executor and per call', async () => {
    const queue = freshQueue('retries');
    const workers = [await startWorker(redis.url, queue, ['--model', 'async'])];
    const executor = new QueueExecutor({
      connection: redis.url,
      queue,
      retries: 2,
      backoff: { type: 'fixed', delayMs: 50 },
    });
    await scenario({ executor, workers }, async () => {
      const dir = tempDir();
      assert.equal(await executor.submit(flaky, join(dir, 'a'), 2), 3, 'third attempt succeeds');
      await assert.rejects(
        executor.submit(flaky, join(dir, 'b'), 3),
        /attempt 3 fails/,
        'retries: 2 means three attempts',
      );
      await assert.rejects(
        executor.submitWith(flaky, [join(dir, 'c'), 1], { retries: 0 }),
        /attempt 1 fails/,
      );
      assert.equal(
        await executor.submitWith(flaky, [join(dir, 'd'), 4], {
          retries: 4,
          backoff: { type: 'exponential', delayMs: 10 },
        }),
        5,
      );
      assert.throws(() => executor.submitWith(add, [1, 2], { retries: -1 }), /Expected `retries`/);
    });
  });

  test('cancel removes a waiting job from Redis, and returns false once it runs', async () => {
    const queue = freshQueue('cancel');
    const inspect = inspector(redis.port, queue);
    const workers: WorkerProcess[] = [];
    const executor = new QueueExecutor({ connection: redis.url, queue });
    await scenario({ executor, workers, inspect }, async () => {
      const marks = join(tempDir(), 'marks');
      const waiting = executor.submit(markThenSleep, marks, 1);
      await until('the job to reach Redis', async () => (await inspect.getWaitingCount()) === 1);
      assert.equal(waiting.cancel(), true);
      await assert.rejects(waiting, CancelledError);
      await until('the job to leave Redis', async () => (await inspect.getWaitingCount()) === 0);
      workers.push(await startWorker(redis.url, queue, ['--model', 'async']));
      const gate = join(tempDir(), 'gate');
      const running = executor.submit(waitForFile, gate, 'finished');
      await until('the job to run', () => running.state === 'running');
      assert.equal(running.cancel(), false);
      writeFileSync(gate, '');
      assert.equal(await running, 'finished');
      assert.equal(existsSync(marks), false, 'the cancelled task never ran');
    });
  });

  test('Redis restarting during a run: every future settles with its result, though the restart lost the alive key', async () => {
    const queue = freshQueue('restart');
    const workers = await Promise.all([
      startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '2']),
      startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '2']),
    ]);
    // The restart wipes the executor's alive key too: workers must not take it for dead.
    const executor = new QueueExecutor({
      connection: redis.url,
      queue,
      reconcileIntervalMs: 300,
      heartbeatMs: 100,
    });
    await scenario({ executor, workers }, async () => {
      const futures = Array.from({ length: 24 }, (_, i) => executor.submit(sleep, 150, i));
      await until(
        'a few results',
        () => futures.filter((f) => f.state === 'fulfilled').length >= 3,
      );
      await redis.restart();
      const results = await Promise.allSettled(futures);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason)),
        futures.map((_, i) => i),
      );
      assert.equal(await executor.submit(add, 2, 2), 4, 'still usable after the restart');
    });
  });

  test('shutdown({ cancelPending }) settles every future and empties the queue', async () => {
    const queue = freshQueue('cancel-pending');
    const inspect = inspector(redis.port, queue);
    const workers = [
      await startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '1']),
    ];
    const executor = new QueueExecutor({ connection: redis.url, queue });
    await scenario({ executor, workers, inspect }, async () => {
      const gate = join(tempDir(), 'gate');
      const futures = [
        executor.submit(waitForFile, gate, 0),
        ...Array.from({ length: 11 }, (_, i) => executor.submit(sleep, 200, i + 1)),
      ];
      await until('the first job to run', () => futures[0]!.state === 'running');
      const closing = executor.shutdown({ cancelPending: true });
      writeFileSync(gate, '');
      await closing;
      assert.ok(
        futures.every((f) => f.done),
        'nothing left pending',
      );
      assert.equal(await futures[0], 0, 'the running one finished');
      assert.equal(futures.filter((f) => f.state === 'cancelled').length, 11);
      await until(
        'cancelled jobs to leave Redis',
        async () => (await inspect.getWaitingCount()) === 0,
      );
    });
  });

  test('completed jobs are removed from Redis after a bounded age', async () => {
    const queue = freshQueue('age');
    const inspect = inspector(redis.port, queue);
    const workers = [await startWorker(redis.url, queue, ['--model', 'async'])];
    const executor = new QueueExecutor({
      connection: redis.url,
      queue,
      removeCompletedAfterMs: 1000,
    });
    await scenario({ executor, workers, inspect }, async () => {
      await executor.submit(add, 1, 1);
      assert.equal(await inspect.getCompletedCount(), 1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      // BullMQ trims by age when the next job of the queue finishes.
      await executor.submit(add, 2, 2);
      assert.equal(await inspect.getCompletedCount(), 1, 'the old job is gone, the new one stays');
    });
  });

  test("jobs a worker cannot run (another codec, another program's job) fail at once, saying why", async () => {
    const queue = freshQueue('mismatch');
    const inspect = inspector(redis.port, queue);
    const workers = [await startWorker(redis.url, queue, ['--model', 'async'])];
    const executor = new QueueExecutor({ connection: redis.url, queue, codec: v8Codec });
    await scenario({ executor, workers, inspect }, async () => {
      await assert.rejects(executor.submit(add, 1, 2), (error: unknown) => {
        assert.ok(error instanceof DataCloneError, String(error));
        assert.match(
          error.message,
          /encoded with codec `v8`, this worker has `json`; start the worker with the same codec/,
        );
        return true;
      });
      await inspect.add('not-ours', { hello: 'world' }, { jobId: 'foreign' });
      await until(
        'the foreign job to fail',
        async () => (await inspect.getJobState('foreign')) === 'failed',
      );
      const job = await inspect.getJob('foreign');
      assert.match(
        String(job?.failedReason),
        /is not a concur job of format \d+; is another program using queue/,
      );
      assert.equal(job?.attemptsMade, 1, 'not retried');
    });
  });

  test('SIGINT (Ctrl-C): a running job finishes within the grace time, then the worker exits 0 and takes no more', async () => {
    const queue = freshQueue('sigint');
    const workers = [
      await startWorker(redis.url, queue, ['--model', 'async', '--grace-ms', '20000']),
    ];
    const executor = new QueueExecutor({ connection: redis.url, queue });
    await scenario({ executor, workers }, async () => {
      const dir = tempDir();
      const running = executor.submit(pidWhenReleased, dir, 0);
      // Started for real: a job cleared but not yet in a slot would go back to the queue.
      await until('the job to start', () => existsSync(join(dir, 'started-0')));
      const exited = workers[0]!.stop('SIGINT');
      await until('the worker to stop taking jobs', () =>
        workers[0]!.stderr().includes('stopping;'),
      );
      const later = executor.submit(add, 1, 2);
      writeFileSync(join(dir, 'go'), '');
      assert.equal(await running, workers[0]!.pid);
      assert.equal(await exited, 0);
      assert.match(workers[0]!.stderr(), /stopped; 1 done, 0 failed/);
      assert.doesNotMatch(workers[0]!.stderr(), /handed \d+ unfinished/);
      // Nothing took the later job: it waits in Redis for the next worker.
      workers.push(await startWorker(redis.url, queue, ['--model', 'async']));
      assert.equal(await later, 3);
    });
  });

  test('SIGTERM: a running job past the grace time goes back to the queue for another worker', async () => {
    const queue = freshQueue('sigterm');
    const workers = await Promise.all([
      startWorker(redis.url, queue, ['--model', 'async', '--grace-ms', '200']),
      startWorker(redis.url, queue, ['--model', 'async', '--grace-ms', '200']),
    ]);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    await scenario({ executor, workers }, async () => {
      const starts = join(tempDir(), 'starts');
      const future = executor.submit(markThenSleep, starts, 20_000, 50);
      await until('the job to start', () => lines(starts).length === 1);
      const leaving = workers.find((w) => w.pid === Number(lines(starts)[0]))!;
      const staying = workers.find((w) => w !== leaving)!;
      assert.equal(await leaving.stop('SIGTERM'), 0);
      assert.match(leaving.stderr(), /handed 1 unfinished job\(s\) back to the queue/);
      assert.equal(await future, staying.pid);
    });
  });
});
