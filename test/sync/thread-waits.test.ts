import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AbortError,
  AsyncLock,
  BlockingCallError,
  SemaphoreOverReleaseError,
  ThreadAtomicCounter,
  ThreadBarrier,
  ThreadEvent,
  ThreadMutex,
  ThreadSemaphore,
  TimeoutError,
} from '../../packages/concur/src/index.ts';
import { worker } from './arbitraries.ts';
import { runScenario } from './scenario.ts';

// The async forms on the main thread: timeouts and aborts leave no trace.
describe('thread primitives, async waits on the main thread', () => {
  it('ThreadSemaphore: timeout and abort take no permit; release wakes a waiter', async () => {
    const sem = new ThreadSemaphore(0);
    await assert.rejects(sem.acquire({ timeoutMs: 5 }), TimeoutError);
    const controller = new AbortController();
    const aborted = sem.acquire({ signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, AbortError);
    assert.throws(() => sem.acquireSync(), BlockingCallError);
    const waiter = sem.acquire({ timeoutMs: 10_000 });
    sem.release();
    (await waiter).release();
    assert.equal(sem.value, 1);
    assert.ok(sem.tryAcquire());
    assert.equal(sem.tryAcquire(), undefined);
  });

  it('ThreadBarrier: a waiter that times out leaves its round', async () => {
    const barrier = new ThreadBarrier(2);
    await assert.rejects(barrier.wait({ timeoutMs: 5 }), TimeoutError);
    assert.equal(barrier.nWaiting, 0);
    const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]);
    assert.deepEqual([a, b].sort(), [0, 1]);
  });

  it('ThreadEvent: set wakes async waiters; timeout when unset', async () => {
    const event = new ThreadEvent();
    await assert.rejects(event.wait({ timeoutMs: 5 }), TimeoutError);
    const waiters = [event.wait(), event.wait({ timeoutMs: 10_000 })];
    event.set();
    await Promise.all(waiters);
    await event.wait();
    event.clear();
    assert.equal(event.isSet, false);
  });

  it('ThreadMutex: an aborted waiter does not swallow the wake-up meant for the next one', async () => {
    const mutex = new ThreadMutex();
    const held = mutex.tryLock()!;
    const controller = new AbortController();
    const leaver = mutex.acquire({ signal: controller.signal });
    const stayer = mutex.acquire({ timeoutMs: 10_000 });
    controller.abort();
    await assert.rejects(leaver, AbortError);
    held.release();
    (await stayer).release();
    assert.equal(mutex.locked, false);
  });

  it('an already aborted signal rejects even when the primitive is free', async () => {
    const signal = AbortSignal.abort();
    const mutex = new ThreadMutex();
    await assert.rejects(mutex.acquire({ signal }), AbortError);
    assert.equal(mutex.locked, false);
    const sem = new ThreadSemaphore(1);
    await assert.rejects(sem.acquire({ signal }), AbortError);
    assert.equal(sem.value, 1);
    await assert.rejects(new ThreadBarrier(1).wait({ signal }), AbortError);
  });

  it('ThreadAtomicCounter and buffers are checked', () => {
    const counter = new ThreadAtomicCounter(5);
    assert.equal(counter.add(3), 8);
    assert.equal(counter.compareExchange(8, 1), 8);
    assert.equal(new ThreadAtomicCounter(counter.buffer).value, 1);
    assert.throws(() => counter.add(0.5), /Expected `n` to be a safe integer/);
    assert.throws(() => new ThreadMutex(new SharedArrayBuffer(3)), /Expected `buffer`/);
  });
});

describe('thread primitives, async waits (property)', () => {
  it('ThreadMutex: never two holders, and leavers leave no trace (no lost wake-up)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(worker, { maxLength: 12 }), async (workers) => {
        const mutex = new ThreadMutex();
        await runScenario(mutex, 1, workers, false);
        assert.equal(mutex.locked, false);
      }),
      { numRuns: 100 },
    );
  });

  it('ThreadSemaphore: never more holders than its value, and ends where it started', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(worker, { maxLength: 12 }),
        async (value, workers) => {
          const sem = new ThreadSemaphore(value);
          await runScenario(sem, value, workers, false);
          assert.equal(sem.value, value);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('thread primitives: odd values and misuse', () => {
  it('every wait refuses timeoutMs beyond the timer limit with InvalidArgumentError', async () => {
    const message = /Expected `timeoutMs` to be a number from 0 to 2147483647/;
    const mutex = new ThreadMutex();
    const held = mutex.tryLock();
    await assert.rejects(mutex.acquire({ timeoutMs: 2 ** 31 }), message);
    await assert.rejects(new ThreadSemaphore(0).acquire({ timeoutMs: 2 ** 32 }), message);
    await assert.rejects(new ThreadEvent().wait({ timeoutMs: 2 ** 31 }), message);
    await assert.rejects(new ThreadBarrier(2).wait({ timeoutMs: 2 ** 31 }), message);
    await assert.rejects(new AsyncLock().acquire({ timeoutMs: Number.POSITIVE_INFINITY }), message);
    held?.release();
  });

  it('ThreadSemaphore refuses a release past 2^31 - 1 permits instead of wrapping', () => {
    const sem = new ThreadSemaphore(2 ** 31 - 1);
    assert.throws(() => sem.release(), SemaphoreOverReleaseError);
    assert.equal(sem.value, 2 ** 31 - 1);
    assert.ok(sem.tryAcquire());
  });

  it('ThreadBarrier.waitSync() on the main thread refuses without arriving, unless it is the last party', async () => {
    const barrier = new ThreadBarrier(2);
    assert.throws(() => barrier.waitSync(), BlockingCallError);
    assert.equal(barrier.nWaiting, 0);
    const first = barrier.wait();
    assert.equal(barrier.waitSync(), 1);
    assert.equal(await first, 0);
  });

  it('ThreadEvent: set() then clear() at once still wakes a waiter', async () => {
    const event = new ThreadEvent();
    assert.throws(() => event.waitSync(), BlockingCallError);
    const waiter = event.wait({ timeoutMs: 10_000 });
    event.set();
    event.clear();
    await waiter;
    assert.equal(event.isSet, false);
  });

  it('aborted acquires of a held ThreadMutex or ThreadSemaphore leave one waitAsync behind, not one each', async () => {
    const mutex = new ThreadMutex();
    const held = mutex.tryLock()!;
    const sem = new ThreadSemaphore(0);
    for (let i = 0; i < 1_000; i++) {
      const controller = new AbortController();
      const a = mutex.acquire({ signal: controller.signal });
      const b = sem.acquire({ signal: controller.signal });
      controller.abort();
      await assert.rejects(a, AbortError);
      await assert.rejects(b, AbortError);
    }
    const next = mutex.acquire({ timeoutMs: 10_000 });
    held.release();
    (await next).release();
    // Counts (and wakes) what is still registered on each word.
    assert.ok(Atomics.notify(new Int32Array(sem.buffer), 0) <= 1);
    sem.release();
    assert.equal(sem.value, 1);
  });

  it('a lock TimeoutError names the mutex and its holder', async () => {
    const mutex = new ThreadMutex({ name: 'accounts' });
    const held = mutex.tryLock()!;
    await assert.rejects(mutex.acquire({ timeoutMs: 5 }), {
      name: 'TimeoutError',
      message:
        'Timed out after 5 ms waiting to lock the ThreadMutex "accounts", held by the main thread (thread 0)',
    });
    held.release();
  });
});
