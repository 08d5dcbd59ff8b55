import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AbandonedMutexError,
  LockNotHeldError,
  ProcessLock,
  ProcessPoolExecutor,
  ProcessSemaphore,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerCrashedError,
} from '../../packages/concur/src/index.ts';
import { onWorkerExit } from '../../packages/concur/src/runtime/wire.ts';
import {
  appendLines,
  dieHoldingProcessLock,
  holdProcessPermit,
  tryProcessLock,
} from '../fixtures/sync-tasks.ts';
import {
  dieHoldingProcessLockOnCue,
  dieHoldingProcessPermit,
  holdProcessLock,
} from '../fixtures/sync-travel-tasks.ts';

const pool = new ProcessPoolExecutor({ maxWorkers: 4 });
const dir = mkdtempSync(join(tmpdir(), 'concur-sync-'));
after(async () => {
  await pool.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until a task holds `lock` (an acquire times out); returns that TimeoutError's message. */
async function heldElsewhere(lock: ProcessLock): Promise<string> {
  for (let i = 0; i < 1_000; i++) {
    try {
      (await lock.acquire({ timeoutMs: 20 })).release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    } catch (error) {
      assert.ok(error instanceof TimeoutError);
      return error.message;
    }
  }
  assert.fail('no task took the lock');
}

describe('ProcessLock in a ProcessPoolExecutor', () => {
  it('serializes appends from 4 process tasks to one file: no interleaved lines', async () => {
    const lock = new ProcessLock();
    const file = join(dir, 'appends.txt');
    const tags = ['a', 'b', 'c', 'd'];
    const pids = await Promise.all(
      tags.map((tag) => pool.submit(appendLines, lock, file, tag, 25, join(dir, 'meet.txt'))),
    );
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
    assert.equal(lines.length, 100);
    for (const line of lines) assert.match(line, /^[abcd]:\d+:x{20}$/);
    for (const tag of tags) {
      const numbers = lines
        .filter((l) => l.startsWith(`${tag}:`))
        .map((l) => Number(l.split(':')[1]));
      assert.deepEqual(numbers, [...Array(25).keys()]);
    }
    assert.ok(new Set(pids).size > 1, 'the tasks ran in more than one process');
  });

  it('a process that dies holding it abandons it: the next acquirer is told once, then gets it', async () => {
    const lock = new ProcessLock();
    await assert.rejects(pool.submit(dieHoldingProcessLock, lock), WorkerCrashedError);
    await assert.rejects(lock.acquire({ timeoutMs: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof AbandonedMutexError);
      assert.ok(error.ownerId > 0);
      return true;
    });
    const held = await lock.acquire({ timeoutMs: 10_000 });
    assert.equal(await pool.submit(tryProcessLock, lock, 10), TimeoutError.code);
    held.release();
    assert.equal(await pool.submit(tryProcessLock, lock, 10_000), 'locked');
  });

  it('a waiter that is aborted or times out leaves no trace', async () => {
    const lock = new ProcessLock();
    const held = await lock.acquire();
    await assert.rejects(lock.acquire({ timeoutMs: 5 }), TimeoutError);
    const controller = new AbortController();
    const aborted = lock.acquire({ signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    held.release();
    assert.throws(() => lock.release(), LockNotHeldError);
    assert.equal(await pool.submit(tryProcessLock, lock, 0), 'locked');
  });

  it('an abandonment report that reaches a waiter aborted at that moment goes to the next acquirer', async () => {
    const lock = new ProcessLock();
    const cue = join(dir, 'die-now');
    const crashed = pool.submit(dieHoldingProcessLockOnCue, lock, cue);
    await heldElsewhere(lock);
    const controller = new AbortController();
    const waiter = lock.acquire({ signal: controller.signal });
    // Runs right after the broker freed the dead process's lock for this waiter.
    const stop = onWorkerExit(() => controller.abort());
    writeFileSync(cue, '');
    try {
      await assert.rejects(crashed, WorkerCrashedError);
      await assert.rejects(waiter, { name: 'AbortError' });
    } finally {
      stop();
    }
    await assert.rejects(lock.acquire({ timeoutMs: 10_000 }), AbandonedMutexError);
    (await lock.acquire({ timeoutMs: 10_000 })).release();
  });

  it('a TimeoutError names the lock and the process that holds it', async () => {
    const lock = new ProcessLock({ name: 'ledger' });
    const controller = new AbortController();
    const holding = pool.submitWith(holdProcessLock, [lock], { signal: controller.signal });
    const message = await heldElsewhere(lock);
    assert.match(
      message,
      /^Timed out after 20 ms waiting to acquire the ProcessLock "ledger", held by worker process \d+$/,
    );
    controller.abort();
    await assert.rejects(holding, { name: 'AbortError' });
  });

  it('works from thread tasks too (the parent brokers it the same way)', async () => {
    const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
    try {
      const lock = new ProcessLock();
      const file = join(dir, 'thread-appends.txt');
      await Promise.all(['a', 'b'].map((tag) => threads.submit(appendLines, lock, file, tag, 10)));
      const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
      assert.equal(lines.length, 20);
      for (const line of lines) assert.match(line, /^[ab]:\d+:x{20}$/);
    } finally {
      await threads.shutdown();
    }
  });
});

describe('ProcessSemaphore in a ProcessPoolExecutor', () => {
  it('never has more than its value holders across processes', async () => {
    const sem = new ProcessSemaphore(2);
    const file = join(dir, 'permits.txt');
    await Promise.all(
      Array.from({ length: 12 }, () => pool.submit(holdProcessPermit, sem, file, 10)),
    );
    let holders = 0;
    let most = 0;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(0, -1)) {
      holders += line.startsWith('+') ? 1 : -1;
      most = Math.max(most, holders);
    }
    assert.equal(holders, 0);
    assert.ok(most >= 1 && most <= 2, `saw ${most} holders`);
  });

  it('gives back the permits of a process that died holding them', async () => {
    const sem = new ProcessSemaphore(1);
    await assert.rejects(pool.submit(dieHoldingProcessPermit, sem), WorkerCrashedError);
    (await sem.acquire({ timeoutMs: 10_000 })).release();
  });
});
