import { LockNotHeldError } from '../../errors/sync-errors.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { Permits } from './permits.ts';

/**
 * A mutual-exclusion lock for coroutines on one event loop (asyncio.Lock).
 * Not for threads or processes: see ThreadMutex and ProcessLock. Waiters get the
 * lock first in, first out.
 *
 * @example
 * const lock = new AsyncLock();
 * await using held = await lock.acquire({ timeoutMs: 1000 });
 * // ... or: await lock.runExclusive(() => writeFile(...));
 */
export class AsyncLock {
  readonly #permits = new Permits(1, 'to acquire the AsyncLock');

  /** True while the lock is held. */
  get locked(): boolean {
    return this.#permits.value === 0;
  }

  /** Callers waiting for the lock. */
  get waiting(): number {
    return this.#permits.waiting;
  }

  /** Resolves with a handle whose `release()` (or `await using`) frees the lock. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    await this.#permits.take(parseWaitOptions(options));
    return new ReleaseHandle(() => this.release());
  }

  /** Takes the lock if it is free now; otherwise returns undefined. */
  tryAcquire(): ReleaseHandle | undefined {
    return this.#permits.tryTake() ? new ReleaseHandle(() => this.release()) : undefined;
  }

  /** Frees the lock; the oldest waiter gets it. Throws LockNotHeldError if it is not held. */
  release(): void {
    if (!this.locked)
      throw new LockNotHeldError('release() was called on an AsyncLock that is not held');
    this.#permits.give();
  }

  /** Runs `fn` holding the lock and releases it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }
}
