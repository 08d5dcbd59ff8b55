import { LockNotHeldError } from '../../errors/sync-errors.ts';
import { checkInteger } from '../../options/validate.ts';
import type { ReleaseHandle } from '../release-handle.ts';
import { type ParsedWaitOptions, parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { AsyncLock } from './lock.ts';
import { WaiterList } from './waiter-list.ts';

/**
 * A condition variable for coroutines (asyncio.Condition): wait, holding its lock,
 * until another coroutine changes some state and calls `notify()`.
 *
 * A waiter that is aborted or times out takes back the lock before it rejects, as
 * every waiter must (the caller's `finally` releases it), and does not use up a
 * notification: `notify()` only counts waiters it actually woke.
 *
 * @example
 * await cond.runExclusive(async () => {
 *   await cond.waitFor(() => items.length > 0, { timeoutMs: 500 });
 *   use(items.shift());
 * });
 */
export class AsyncCondition {
  readonly #lock: AsyncLock;
  readonly #waiters = new WaiterList<void>('for the AsyncCondition to be notified');

  /** Uses `lock` if given (several conditions can share one lock). */
  constructor(lock: AsyncLock = new AsyncLock()) {
    this.#lock = lock;
  }

  /** True while the underlying lock is held. */
  get locked(): boolean {
    return this.#lock.locked;
  }

  /** Coroutines waiting in `wait()` for a notification. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Acquires the underlying lock. */
  acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    return this.#lock.acquire(options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.#lock.release();
  }

  /** Runs `fn` holding the underlying lock, and releases it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return this.#lock.runExclusive(fn, options);
  }

  /** Releases the lock, waits for a notification, takes the lock back. The caller must hold the lock. */
  wait(options?: SyncWaitOptions): Promise<void> {
    return this.#wait(parseWaitOptions(options));
  }

  /**
   * Waits until `predicate()` is true, checking it now and after each notification;
   * returns its last value. `timeoutMs` bounds the whole wait, not each round.
   */
  async waitFor<T>(predicate: () => T, options?: SyncWaitOptions): Promise<T> {
    const { signal, timeoutMs } = parseWaitOptions(options);
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    let result = predicate();
    while (!result) {
      const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      await this.#wait({ signal, timeoutMs: left });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters, oldest first. The caller must hold the lock. */
  notify(n = 1): void {
    checkInteger('n', n, 0);
    this.#checkHeld('notify()');
    for (let i = 0; i < n && this.#waiters.resolveFirst(undefined); i++);
  }

  /** Wakes every waiter. */
  notifyAll(): void {
    this.#checkHeld('notifyAll()');
    this.#waiters.resolveAll(() => undefined);
  }

  async #wait(options: ParsedWaitOptions): Promise<void> {
    this.#checkHeld('wait()');
    const woken = this.#waiters.wait(options, undefined);
    this.#lock.release();
    try {
      await woken;
    } finally {
      // Always re-take the lock, even after an abort: the caller's code expects to hold it.
      await this.#lock.acquire();
    }
  }

  #checkHeld(what: string): void {
    if (!this.#lock.locked) {
      throw new LockNotHeldError(
        `${what} needs the AsyncCondition's lock held: call it inside runExclusive() or after acquire()`,
      );
    }
  }
}
