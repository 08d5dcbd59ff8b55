import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AbortError,
  AsyncBoundedSemaphore,
  AsyncLock,
  AsyncSemaphore,
  InvalidArgumentError,
  LockNotHeldError,
  SemaphoreOverReleaseError,
  TimeoutError,
} from '../../packages/concur/src/index.ts';
import { worker } from './arbitraries.ts';
import { runScenario } from './scenario.ts';

describe('AsyncSemaphore (property)', () => {
  it('never admits more than its value, serves FIFO, and leavers leave no trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(worker, { maxLength: 14 }),
        async (value, workers) => {
          const sem = new AsyncSemaphore(value);
          const { acquired, left } = await runScenario(sem, value, workers);
          assert.equal(acquired + left, workers.length);
          assert.equal(sem.value, value);
          assert.equal(sem.waiting, 0);
          const held = Array.from({ length: value }, () => sem.tryAcquire());
          assert.ok(held.every((h) => h !== undefined));
          assert.equal(sem.tryAcquire(), undefined);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a bounded semaphore ends where it started under the same interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(worker, { maxLength: 10 }),
        async (value, workers) => {
          const sem = new AsyncBoundedSemaphore(value);
          await runScenario(sem, value, workers);
          assert.equal(sem.value, value);
          assert.throws(() => sem.release(), SemaphoreOverReleaseError);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('AsyncLock (property)', () => {
  it('never has two holders, serves FIFO, and ends unlocked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(worker, { maxLength: 14 }), async (workers) => {
        const lock = new AsyncLock();
        await runScenario(lock, 1, workers);
        assert.equal(lock.locked, false);
        assert.equal(lock.waiting, 0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('AsyncLock', () => {
  it('releases through await using, also when the block throws', async () => {
    const lock = new AsyncLock();
    await assert.rejects(async () => {
      await using held = await lock.acquire();
      assert.equal(held.held, true);
      assert.equal(lock.locked, true);
      throw new Error('boom');
    }, /boom/);
    assert.equal(lock.locked, false);
  });

  it('runExclusive returns the value, releases on error', async () => {
    const lock = new AsyncLock();
    assert.equal(await lock.runExclusive(async () => 42), 42);
    await assert.rejects(
      lock.runExclusive(() => Promise.reject(new RangeError('x'))),
      RangeError,
    );
    assert.equal(lock.locked, false);
  });

  it('a handle releases once however often it is called', async () => {
    const lock = new AsyncLock();
    const a = await lock.acquire();
    const b = lock.acquire();
    a.release();
    a.release();
    const hb = await b;
    assert.equal(lock.locked, true);
    hb.release();
    assert.equal(lock.locked, false);
    assert.throws(() => lock.release(), LockNotHeldError);
  });

  it('timeoutMs 0 takes a free lock and refuses a busy one at once', async () => {
    const lock = new AsyncLock();
    const held = await lock.acquire({ timeoutMs: 0 });
    await assert.rejects(lock.acquire({ timeoutMs: 0 }), TimeoutError);
    held.release();
  });

  it('an already aborted signal rejects even when the lock is free', async () => {
    const lock = new AsyncLock();
    await assert.rejects(lock.acquire({ signal: AbortSignal.abort() }), (e: unknown) => {
      assert.ok(e instanceof AbortError);
      return true;
    });
    assert.equal(lock.locked, false);
  });

  it('checks its options with the common message', async () => {
    const lock = new AsyncLock();
    await assert.rejects(lock.acquire({ timeoutMs: -1 }), {
      name: 'InvalidArgumentError',
      message:
        'Expected `timeoutMs` to be a number from 0 to 2147483647 (about 24.8 days; leave it out for no timeout), got `-1` (number)',
    });
    await assert.rejects(lock.acquire({ timeout: 5 } as object), InvalidArgumentError);
    assert.throws(() => new AsyncSemaphore(-1), /Expected `value` to be an integer from 0 and up/);
  });
});

describe('AsyncBoundedSemaphore: the documented rule for a stray release', () => {
  it('a release from code holding nothing, while all permits are taken, shows up as an over-release at the last holder', async () => {
    const sem = new AsyncBoundedSemaphore(2);
    const a = await sem.acquire();
    const b = await sem.acquire();
    const c = sem.acquire();
    sem.release(); // stray: nobody it could tell apart from a or b
    const third = await c;
    a.release();
    b.release();
    assert.throws(() => third.release(), SemaphoreOverReleaseError);
    assert.equal(sem.value, 2);
    assert.throws(() => sem.release(), SemaphoreOverReleaseError);
  });
});
