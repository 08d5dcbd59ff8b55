import { type CancelledError, TimeoutError } from '../errors/errors.ts';
import { checkTimeoutMs } from '../options/validate.ts';
import { type Future, onSettled } from './future.ts';

/**
 * What asCompleted() yields: the very Future that was passed in (compare with ===),
 * already settled, so its outcome can be read at once. Checking `state` narrows it:
 * `value` is the result once 'fulfilled', `error` what the task threw once 'rejected',
 * a CancelledError once 'cancelled'. `await` gives the value (or throws), as on any future.
 */
export type SettledFuture<R> =
  | (Future<R> & {
      /** The task returned. */
      readonly state: 'fulfilled';
      /** Always true here. */
      readonly done: true;
      /** What the task returned. */
      readonly value: R;
      /** Nothing: the task returned. */
      readonly error: undefined;
    })
  | (Future<R> & {
      /** The task threw. */
      readonly state: 'rejected';
      /** Always true here. */
      readonly done: true;
      /** Nothing: the task threw. */
      readonly value: undefined;
      /** What the task threw (a copy from a worker). */
      readonly error: unknown;
    })
  | (Future<R> & {
      /** Cancelled before the task started. */
      readonly state: 'cancelled';
      /** Always true here. */
      readonly done: true;
      /** Nothing: the task never ran. */
      readonly value: undefined;
      /** The CancelledError that awaiting the future throws. */
      readonly error: CancelledError;
    });

/**
 * The iterator asCompleted() returns. Its own interface rather than
 * AsyncIterableIterator<SettledFuture<R>>: for that global type TypeScript types the
 * for-await variable as the *awaited* element (a future's value), while the loop
 * gets the future itself; for an interface of its own it takes `next()`'s element
 * as it is (test/types/as-completed.ts holds both sides to this).
 */
export interface SettledFutures<R> extends AsyncIterableIterator<SettledFuture<R>> {
  /** The next future to settle. */
  next(): Promise<IteratorResult<SettledFuture<R>, undefined>>;
  /** Stops iterating (a `break` out of the loop calls it). */
  return(): Promise<IteratorResult<SettledFuture<R>, undefined>>;
  /** The iterator itself. */
  [Symbol.asyncIterator](): SettledFutures<R>;
}

/** Options of `asCompleted()`. */
export interface AsCompletedOptions {
  /** Throw a TimeoutError if not every future has settled after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * Yields each future as it settles, first settled first (Python's `as_completed`).
 * It yields the futures themselves, so a rejected one can be inspected without a throw;
 * `await` the yielded future (or read `.value`/`.error`) for its outcome.
 *
 * Written as a plain async iterator rather than an async generator, because an
 * async generator would await each yielded future instead of handing it over.
 */
export function asCompleted<R>(
  futures: Iterable<Future<R>>,
  options: AsCompletedOptions = {},
): SettledFutures<R> {
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : checkTimeoutMs('timeoutMs', options.timeoutMs);
  const pending = new Set(futures);
  let remaining = pending.size;
  // Only settled futures go in: that is what makes them SettledFutures.
  const settled: SettledFuture<R>[] = [];
  let waiter:
    | {
        resolve: (r: IteratorResult<SettledFuture<R>, undefined>) => void;
        reject: (e: unknown) => void;
      }
    | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const stop = () => {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const deliver = () => {
    if (waiter === undefined) return;
    const w = waiter;
    if (settled.length > 0) {
      waiter = undefined;
      remaining--;
      if (remaining === 0) stop();
      w.resolve({ value: settled.shift()!, done: false });
    } else if (remaining === 0 || finished) {
      waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  };
  for (const future of pending) {
    onSettled(future, (f) => {
      if (finished) return;
      settled.push(f as SettledFuture<R>);
      deliver();
    });
  }
  if (timeoutMs !== undefined && remaining > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      if (finished) return;
      const notSettled = remaining - settled.length;
      if (notSettled === 0) return;
      finished = true;
      const error = new TimeoutError(
        `${notSettled} of the futures had not settled after ${timeoutMs} ms`,
        timeoutMs,
      );
      settled.length = 0;
      if (waiter !== undefined) {
        const w = waiter;
        waiter = undefined;
        w.reject(error);
      } else {
        pendingError = error;
      }
    }, timeoutMs);
  }
  let pendingError: unknown;

  const iterator: SettledFutures<R> = {
    next() {
      if (pendingError !== undefined) {
        const error = pendingError;
        pendingError = undefined;
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        deliver();
      });
    },
    return() {
      stop();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
