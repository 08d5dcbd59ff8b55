// cancel() racing a worker that is taking the job: true must mean the task never
// runs, false must mean its future settles with the task's result.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { CancelledError, type Future } from '../../packages/concur/src/index.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { closedKey, JOB_FORMAT, type QueueJobData } from '../../packages/queue/src/job-data.ts';
import { taskIdentity } from '../../packages/queue/src/task-identity.ts';
import { markRan } from '../fixtures/queue/tasks.ts';
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
const SUBMIT_AND_HANG = fileURLToPath(
  new URL('../fixtures/queue/submit-and-hang.ts', import.meta.url),
);

const ROUNDS = 6;
const PER_ROUND = 80;

test('cancel() racing the worker: true means it never ran, false means it settles with its result', async () => {
  const queue = freshQueue('cancel-race');
  const workers: WorkerProcess[] = await Promise.all([
    startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '3']),
    startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '3']),
  ]);
  const executor = new QueueExecutor({ connection: redis.url, queue });
  const inspect = inspector(redis.port, queue);
  const dir = tempDir();
  const outcomes: { i: number; future: Future<number>; cancelled: boolean }[] = [];
  try {
    await executor.ready();
    // Cancels land from at once up to a few round trips after submit: before, during
    // and after a worker takes the job, however loaded this machine is.
    const began = performance.now();
    await Promise.all([1, 2, 3, 4].map((n) => executor.submit(markRan, dir, -n, 1)));
    const spreadMs = Math.max(10, Math.ceil((performance.now() - began) * 3));
    let i = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const pending: Promise<void>[] = [];
      for (let k = 0; k < PER_ROUND; k++, i++) {
        const future = executor.submit(markRan, dir, i, 1 + (k % 4));
        const delay = Math.round((((k * 37 + round * 11) % PER_ROUND) / PER_ROUND) * spreadMs);
        const index = i;
        pending.push(
          new Promise<void>((resolve) => {
            const cancel = () => {
              outcomes.push({ i: index, future, cancelled: future.cancel() });
              resolve();
            };
            if (delay === 0) cancel();
            else setTimeout(cancel, delay - 1);
          }),
        );
      }
      await Promise.all(pending);
    }
    await Promise.allSettled(outcomes.map((o) => o.future));
    await executor.shutdown();
    // A task that ran although its cancel said true would show up after the futures settled.
    await until('the workers to finish every job', async () => {
      const counts = await inspect.getJobCounts('active', 'waiting', 'delayed');
      return (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.delayed ?? 0) === 0;
    });
    let trues = 0;
    for (const { i: n, future, cancelled } of outcomes.sort((a, b) => a.i - b.i)) {
      const ran = existsSync(join(dir, `ran-${n}`));
      if (cancelled) {
        trues++;
        assert.equal(future.state, 'cancelled', `task ${n}`);
        await assert.rejects(future, CancelledError);
        assert.equal(ran, false, `task ${n} ran although cancel() returned true`);
      } else {
        assert.equal(await future, n, `task ${n} settles with its result`);
        assert.equal(ran, true, `task ${n}`);
      }
    }
    // Both outcomes must occur, or the race was not exercised.
    assert.ok(trues > 0 && trues < outcomes.length, `${trues} of ${outcomes.length} cancelled`);
    process.stderr.write(
      `# cancel race: ${trues} of ${outcomes.length} cancels returned true (spread ${spreadMs} ms)\n`,
    );
  } finally {
    await executor.shutdown({ cancelPending: true });
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await inspect.close();
  }
});

test('a worker drops at once a job whose executor has shut down', async () => {
  const queue = freshQueue('gone');
  const inspect = inspector(redis.port, queue);
  const workers: WorkerProcess[] = [];
  const dir = tempDir();
  try {
    // What an executor leaves behind when it shuts down while a worker is taking its job.
    const client = new Redis(redis.port, '127.0.0.1');
    await client.set(closedKey('concur', queue, 'gone-executor'), '1', 'EX', 60);
    client.disconnect();
    const data: QueueJobData = {
      v: JOB_FORMAT,
      task: taskIdentity(markRan, undefined),
      mode: 0,
      codec: 'json',
      payload: JSON.stringify([dir, 1, 1]),
      from: 'gone-executor',
      beat: 5000,
    };
    await inspect.add('left-behind', data, { jobId: 'left-behind' });
    workers.push(await startWorker(redis.url, queue, ['--model', 'async']));
    // Well under the 30 s a worker waits for an executor that died without a word.
    await until('the job is dropped', async () => (await inspect.getFailedCount()) === 1, 10_000);
    const job = await inspect.getJob('left-behind');
    assert.match(String(job?.failedReason), /cancelled before it started/);
    assert.equal(existsSync(join(dir, 'ran-1')), false, 'the task never ran');
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await inspect.close();
  }
});

test('the backlog of an executor that died without shutting down is dropped, and the worker goes on', async () => {
  const queue = freshQueue('died');
  const inspect = inspector(redis.port, queue);
  const workers: WorkerProcess[] = [];
  const dir = tempDir();
  const JOBS = 6;
  const submitter = spawn(
    process.execPath,
    ['--import', 'tsx', SUBMIT_AND_HANG, redis.url, queue, dir, String(JOBS), '200'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const live = new QueueExecutor({ connection: redis.url, queue });
  try {
    await until('the jobs are in Redis', async () => (await inspect.getWaitingCount()) === JOBS);
    submitter.kill('SIGKILL');
    await once(submitter, 'exit');
    // One job at a time: a worker that waited the full START_ANSWER_MS (30 s) for each
    // job of the dead executor would take minutes to get through them.
    workers.push(await startWorker(redis.url, queue, ['--model', 'async', '--concurrency', '1']));
    await until(
      "the dead executor's jobs are dropped",
      async () => (await inspect.getFailedCount()) === JOBS,
      40_000,
    );
    for (const job of await inspect.getFailed()) {
      assert.match(String(job.failedReason), /has stopped without shutting down/);
    }
    assert.deepEqual(readdirSync(dir), [], 'no task of the dead executor ran');
    // The same worker still serves a live executor.
    assert.equal(await live.submit(markRan, dir, 99, 1), 99);
  } finally {
    submitter.kill('SIGKILL');
    await live.shutdown({ cancelPending: true });
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await inspect.close();
  }
});
