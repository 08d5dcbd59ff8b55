import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  AbandonedMutexError,
  BlockingCallError,
  DataCloneError,
  LockNotHeldError,
  ProcessPoolExecutor,
  ThreadAtomicCounter,
  ThreadBarrier,
  ThreadEvent,
  ThreadMutex,
  ThreadPoolExecutor,
  ThreadSemaphore,
  TimeoutError,
  WorkerCrashedError,
} from '../../packages/concur/src/index.ts';
import {
  barrierRounds,
  dieHolding,
  holdPermit,
  incrementLocked,
  incrementLockedAsync,
  lockWithTimeout,
  throwInside,
  waitForEvent,
} from '../fixtures/sync-tasks.ts';
import { holdUntil, waitEventSync } from '../fixtures/sync-travel-tasks.ts';
import { sleep } from '../fixtures/tasks.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 4, minWorkers: 4 });
after(() => pool.shutdown());

/**
 * Tasks that wait for each other need one worker each. The pool sends a worker several
 * short tasks at once (prefetch) until it has measured tasks of 1 ms or more, so run
 * a few such tasks first.
 */
async function oneTaskPerWorker(): Promise<void> {
  await Promise.all(Array.from({ length: 8 }, () => pool.submit(sleep, 5)));
}

function counterCell(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

describe('ThreadMutex in a ThreadPoolExecutor', () => {
  it('4 thread tasks x 100,000 increments under the mutex end at exactly 400,000', async () => {
    const mutex = new ThreadMutex();
    const cell = counterCell();
    const start = new ThreadBarrier(4);
    await oneTaskPerWorker();
    const threads = await Promise.all(
      Array.from({ length: 4 }, () => pool.submit(incrementLocked, mutex, cell, 100_000, start)),
    );
    assert.equal(cell[0], 400_000);
    assert.equal(new Set(threads).size, 4, 'the tasks ran on 4 threads at once');
    assert.equal(mutex.locked, false);
  });

  it('the non-blocking acquire() in workers and on the main thread excludes too', async () => {
    const mutex = new ThreadMutex();
    const cell = counterCell();
    const main = (async () => {
      for (let i = 0; i < 2_000; i++) {
        await mutex.runExclusive(() => {
          cell[0] = (cell[0] as number) + 1;
        });
      }
    })();
    await Promise.all([
      main,
      ...Array.from({ length: 3 }, () => pool.submit(incrementLockedAsync, mutex, cell, 2_000)),
    ]);
    assert.equal(cell[0], 8_000);
  });

  it('a thread that exits holding it abandons it: the next acquirer gets AbandonedMutexError once, then the lock', async () => {
    const mutex = new ThreadMutex();
    const locked = new ThreadEvent();
    const crashed = pool.submit(dieHolding, mutex, locked);
    await locked.wait({ timeoutMs: 10_000 });
    await assert.rejects(crashed, WorkerCrashedError);
    await assert.rejects(mutex.acquire({ timeoutMs: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof AbandonedMutexError);
      assert.equal(error.code, 'CONCUR_ERR_ABANDONED_MUTEX');
      return true;
    });
    const held = await mutex.acquire({ timeoutMs: 10_000 });
    assert.equal(mutex.ownerId, 0);
    held.release();
    // The pool replaced the worker and keeps working with the same mutex.
    const cell = counterCell();
    await Promise.all([1, 2].map(() => pool.submit(incrementLocked, mutex, cell, 1_000)));
    assert.equal(cell[0], 2_000);
  });

  it('a task that throws inside runExclusive leaves the mutex free', async () => {
    const mutex = new ThreadMutex();
    await assert.rejects(pool.submit(throwInside, mutex), RangeError);
    assert.equal(mutex.locked, false);
  });

  it('times out in a worker while the main thread holds it; the main thread cannot block on it', async () => {
    const mutex = new ThreadMutex();
    const held = await mutex.acquire();
    assert.equal(await pool.submit(lockWithTimeout, mutex, 20), 'TimeoutError');
    assert.throws(() => mutex.lock(), BlockingCallError);
    await assert.rejects(mutex.acquire({ timeoutMs: 5 }), TimeoutError);
    const controller = new AbortController();
    const aborted = mutex.acquire({ signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    held.release();
    assert.throws(() => mutex.unlock(), LockNotHeldError);
    // The aborted waiter left no trace: the mutex is free and a worker takes it at once.
    assert.equal(await pool.submit(lockWithTimeout, mutex, 5_000), 'locked');
  });

  it('a TimeoutError names the worker thread that holds it', async () => {
    const mutex = new ThreadMutex();
    const locked = new ThreadEvent();
    const release = new ThreadEvent();
    const holding = pool.submit(holdUntil, mutex, locked, release);
    await locked.wait({ timeoutMs: 10_000 });
    const error = await mutex.acquire({ timeoutMs: 5 }).catch((e: unknown) => e);
    release.set();
    const holder = await holding;
    assert.ok(error instanceof TimeoutError);
    assert.equal(
      error.message,
      `Timed out after 5 ms waiting to lock the ThreadMutex, held by worker thread ${holder}`,
    );
  });

  it('cannot go to a child process', async () => {
    const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      await assert.rejects(
        processes.submit(incrementLocked, new ThreadMutex(), counterCell(), 1),
        (error: unknown) => {
          assert.ok(error instanceof DataCloneError);
          assert.match((error as Error).message, /ProcessLock/);
          return true;
        },
      );
    } finally {
      await processes.shutdown();
    }
  });
});

describe('ThreadSemaphore, ThreadBarrier, ThreadEvent in a ThreadPoolExecutor', () => {
  it('a semaphore of 2 never has more than 2 holders across 4 threads', async () => {
    const sem = new ThreadSemaphore(2);
    const holders = new ThreadAtomicCounter();
    const most = new ThreadAtomicCounter();
    await Promise.all(
      Array.from({ length: 40 }, () => pool.submit(holdPermit, sem, holders, most, 200_000)),
    );
    assert.ok(most.value >= 1 && most.value <= 2, `saw ${most.value} holders`);
    assert.equal(sem.value, 2);
    assert.equal(holders.value, 0);
  });

  it('a barrier of 4 releases all 4 threads together, every round', async () => {
    const barrier = new ThreadBarrier(4);
    const rounds = 50;
    await oneTaskPerWorker();
    const log = new Int32Array(new SharedArrayBuffer(4 * rounds));
    const results = await Promise.all(
      Array.from({ length: 4 }, () => pool.submit(barrierRounds, barrier, rounds, log)),
    );
    for (let r = 0; r < rounds; r++) {
      const indexes = results.map((result) => (result as number[])[r]).sort();
      assert.deepEqual(indexes, [0, 1, 2, 3]);
    }
    assert.equal(barrier.nWaiting, 0);
  });

  it('set() and clear() at once on the main thread still wake threads blocked on the event', async () => {
    const event = new ThreadEvent();
    const ready = new ThreadAtomicCounter();
    await oneTaskPerWorker();
    const waiting = Array.from({ length: 3 }, () => pool.submit(waitEventSync, event, ready));
    while (ready.value < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    // A worker counted itself just before blocking; give it the moment to block.
    await new Promise((resolve) => setTimeout(resolve, 50));
    event.set();
    event.clear();
    assert.deepEqual(await Promise.all(waiting), ['woke', 'woke', 'woke']);
  });

  it('an event set on the main thread wakes threads blocked on it', async () => {
    const event = new ThreadEvent();
    const ready = new ThreadAtomicCounter();
    const waiting = Array.from({ length: 3 }, () => pool.submit(waitForEvent, event, ready));
    while (ready.value < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    event.set();
    assert.deepEqual(await Promise.all(waiting), [true, true, true]);
  });
});
