// A worker holds more jobs than it has slots while jobs are short: the next ones are
// fetched and cleared with their executor while the current ones run. It never runs
// more than its slots at once, and a job it holds but has not started goes back to the
// queue when it stops. In-process workers (runQueueWorker) of the async model, so the
// test reads their stats and the task's own count of calls at once.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { QueueExecutor, runQueueWorker } from '../../packages/queue/src/index.ts';
import { overlap, pidWhenReleased } from '../fixtures/queue/tasks.ts';
import { freshQueue, redisForThisFile, startWorker, TASKS, tempDir, until } from './harness.ts';

const redis = redisForThisFile();

function worker(queue: string, slots: number) {
  return runQueueWorker({
    connection: redis.url,
    queue,
    tasks: [TASKS],
    model: 'async',
    concurrency: slots,
    progressIntervalMs: 0,
    log: () => {},
  });
}

describe('a queue worker with short jobs', () => {
  it('holds up to twice its slots and runs no more than its slots at once', async () => {
    const queue = freshQueue('holding');
    const handle = await worker(queue, 2);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    let mostWaiting = 0;
    let mostHeld = 0;
    let mostCleared = 0;
    const watch = setInterval(() => {
      const { running, waiting } = handle.stats();
      mostWaiting = Math.max(mostWaiting, waiting);
      mostHeld = Math.max(mostHeld, running + waiting);
      mostCleared = Math.max(mostCleared, executor.stats().busyWorkers);
    }, 1);
    try {
      await handle.ready;
      const most = await Promise.all(Array.from({ length: 80 }, () => executor.submit(overlap, 5)));
      assert.equal(Math.max(...most), 2, 'two calls at once, never more');
      assert.ok(mostWaiting >= 1, `jobs waited for a slot in the worker's hands (${mostWaiting})`);
      assert.ok(mostCleared > 2, `the executor saw more than 2 jobs cleared (${mostCleared})`);
      assert.ok(mostHeld <= 4, `never more than twice the slots (${mostHeld})`);
      // The executor may read a completion before the worker's own 'completed' event.
      await until('the worker to count every job', () => handle.stats().completed === 80);
      assert.deepEqual(handle.stats(), { completed: 80, failed: 0, running: 0, waiting: 0 });
    } finally {
      clearInterval(watch);
      await executor.shutdown({ cancelPending: true });
      await handle.close();
    }
  });

  it('does not keep a job behind a long one: another worker runs it', async () => {
    const queue = freshQueue('holding-long');
    const dir = tempDir();
    const first = await startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '1']);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    let second: Awaited<ReturnType<typeof worker>> | undefined;
    try {
      // Short jobs first, so that the worker holds more than its one slot.
      writeFileSync(join(dir, 'go'), '');
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => executor.submit(pidWhenReleased, dir, 100 + i)),
      );
      rmSync(join(dir, 'go'));
      // Job 0 runs until 'go'; the first worker takes job 1 too, to hold it.
      const futures = [0, 1].map((i) => executor.submit(pidWhenReleased, dir, i));
      await until('job 0 to start', () => existsSync(join(dir, 'started-0')));
      second = await worker(queue, 1);
      await second.ready;
      // Held on the first worker, job 1 could start only after job 0, which waits for 'go'.
      await until('job 1 to start on the second worker', () => existsSync(join(dir, 'started-1')));
      writeFileSync(join(dir, 'go'), '');
      assert.deepEqual(await Promise.all(futures), [first.pid, process.pid]);
      assert.equal(await first.stop(), 0);
      assert.match(first.stderr(), /0 failed/);
    } finally {
      writeFileSync(join(dir, 'go'), '');
      await executor.shutdown({ cancelPending: true });
      await first.stop();
      await second?.close();
    }
  });
});
