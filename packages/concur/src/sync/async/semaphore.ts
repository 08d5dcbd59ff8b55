import { SemaphoreOverReleaseError } from '../../errors/sync-errors.ts';
import { checkInteger } from '../../options/validate.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { Permits } from './permits.ts';

/**
 * A counting semaphore for coroutines on one event loop (asyncio.Semaphore): at most
 * `value` holders at once, waiters served first in, first out. This is the story's
 * `n_at_once` limit. Not for threads or processes: see ThreadSemaphore and
 * ProcessSemaphore.
 *
 * @example
 * const limit = new AsyncSemaphore(10);
 * await Promise.all(urls.map((url) => limit.runExclusive(() => fetch(url))));
 */
export class AsyncSemaphore {
  readonly #permits: Permits;

  constructor(value = 1) {
    checkInteger('value', value, 0);
    this.#permits = new Permits(value, `to acquire the ${new.target.name}`);
  }

  /** Permits free right now. */
  get value(): number {
    return this.#permits.value;
  }

  /** True when an acquire would wait. */
  get locked(): boolean {
    return this.#permits.value === 0;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#permits.waiting;
  }

  /** Waits for a permit and takes it; release it through the handle (or `await using`). */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    await this.#permits.take(parseWaitOptions(options));
    return new ReleaseHandle(() => this.release());
  }

  /** Takes a permit if one is free now, without waiting; `undefined` otherwise. */
  tryAcquire(): ReleaseHandle | undefined {
    return this.#permits.tryTake() ? new ReleaseHandle(() => this.release()) : undefined;
  }

  /** Returns one permit; the oldest waiter gets it. */
  release(): void {
    this.#permits.give();
  }

  /** Runs `fn` holding a permit, and releases it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }
}

/**
 * An AsyncSemaphore whose `release()` throws SemaphoreOverReleaseError when it would raise
 * the free permits above the initial value, i.e. once releases outnumber acquisitions.
 *
 * It counts permits; it does not know who holds them. A `release()` from code that holds
 * none, made while every permit is taken and a caller waits, cannot be told from a
 * holder's: that waiter gets the permit, so for a while one caller more than the bound
 * holds one, and the error comes at the last holder's release. Releasing only through the
 * handle `acquire()` returns (it releases at most once) rules this out.
 */
export class AsyncBoundedSemaphore extends AsyncSemaphore {
  readonly #initial: number;

  constructor(value = 1) {
    super(value);
    this.#initial = value;
  }

  override release(): void {
    if (this.value >= this.#initial) {
      throw new SemaphoreOverReleaseError(
        `release() would raise the AsyncBoundedSemaphore above its initial value ${this.#initial}: ` +
          'it was released more times than it was acquired',
      );
    }
    super.release();
  }
}
