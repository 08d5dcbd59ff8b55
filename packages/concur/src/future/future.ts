import { CancelledError } from '../errors/errors.ts';

/** Where a future is: waiting to start, running, or settled one of three ways. */
export type FutureState = 'pending' | 'running' | 'fulfilled' | 'rejected' | 'cancelled';

type Listener = (future: Future<unknown>) => void;
const noop = () => {};

/** Told when a pending future is cancelled, so the queued task can be dropped. */
export interface Canceller {
  futureCancelled(token: unknown): void;
}

let make: <R>(canceller: Canceller | undefined, token: unknown) => Future<R>;
let settle: (
  future: Future<unknown>,
  state: 'fulfilled' | 'rejected' | 'cancelled',
  value: unknown,
) => void;
let start: (future: Future<unknown>) => boolean;
let listen: (future: Future<unknown>, listener: Listener) => void;

/**
 * The eventual result of a submitted task: awaitable like a promise, with a `state`
 * you can read synchronously and a `cancel()` that works until the task starts.
 *
 * A future whose error nobody awaits does not crash the program with an
 * unhandled rejection (Python's rule: an exception is raised where the result is read).
 */
export class Future<R> implements PromiseLike<R> {
  #state: FutureState = 'pending';
  #value: unknown;
  #promise: Promise<R> | undefined;
  // Typed without R so that Future stays covariant: a Future<number> must be usable as a
  // Future<unknown>, or wait()/asCompleted() over futures of different tasks would not compile.
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #listeners: Listener[] | undefined;
  #canceller: Canceller | undefined;
  #token: unknown;

  // Module-private access for executors, without a closure per future (the hot path
  // creates one future per task).
  static {
    make = <R>(canceller: Canceller | undefined, token: unknown): Future<R> => {
      const future = new Future<R>();
      future.#canceller = canceller;
      future.#token = token;
      return future;
    };
    settle = (future, state, value) => future.#settle(state, value);
    start = (future) => {
      if (future.#state !== 'pending') return false;
      future.#state = 'running';
      return true;
    };
    listen = (future, listener) => {
      if (future.#state === 'pending' || future.#state === 'running') {
        future.#listeners ??= [];
        future.#listeners.push(listener);
      } else {
        listener(future);
      }
    };
  }

  private constructor() {}

  /** 'pending' (queued), 'running', 'fulfilled', 'rejected' or 'cancelled'. */
  get state(): FutureState {
    return this.#state;
  }

  /** True once the future is fulfilled, rejected or cancelled. */
  get done(): boolean {
    return this.#state !== 'pending' && this.#state !== 'running';
  }

  /**
   * Cancels the task if it has not started: returns true if the future is now
   * cancelled (or already was), false if the task is running or finished.
   */
  cancel(): boolean {
    if (this.#state === 'cancelled') return true;
    if (this.#state !== 'pending') return false;
    this.#canceller?.futureCancelled(this.#token);
    this.#settle('cancelled', new CancelledError('The task was cancelled before it started'));
    return true;
  }

  /** The error of a rejected or cancelled future, undefined otherwise. */
  get error(): unknown {
    return this.#state === 'rejected' || this.#state === 'cancelled' ? this.#value : undefined;
  }

  /** The value of a fulfilled future, undefined otherwise. */
  get value(): R | undefined {
    return this.#state === 'fulfilled' ? (this.#value as R) : undefined;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Future is awaitable by design.
  then<T1 = R, T2 = never>(
    onFulfilled?: ((value: R) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.#toPromise().then(onFulfilled, onRejected);
  }

  /** As `Promise.prototype.catch`. */
  catch<T = never>(onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<R | T> {
    return this.#toPromise().catch(onRejected);
  }

  /** As `Promise.prototype.finally`. */
  finally(onFinally?: (() => void) | null): Promise<R> {
    return this.#toPromise().finally(onFinally);
  }

  /** `[object Future]`. */
  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  // The promise is made only when someone awaits: map() and the pools settle
  // millions of futures that nobody awaits one by one.
  #toPromise(): Promise<R> {
    if (this.#promise === undefined) {
      if (this.#state === 'fulfilled') this.#promise = Promise.resolve(this.#value as R);
      else if (this.#state === 'rejected' || this.#state === 'cancelled') {
        this.#promise = Promise.reject(this.#value);
        this.#promise.catch(noop);
      } else {
        // No catch(noop) here: then/catch/finally, the only callers, attach a reaction at
        // once, so a later rejection is handled; a second promise per awaited future made
        // a burst of 20,000 awaited calls keep 20,000 more objects alive through each GC.
        this.#promise = new Promise<R>((resolve, reject) => {
          this.#resolve = resolve as (value: unknown) => void;
          this.#reject = reject;
        });
      }
    }
    return this.#promise;
  }

  #settle(state: 'fulfilled' | 'rejected' | 'cancelled', value: unknown): void {
    if (this.#state !== 'pending' && this.#state !== 'running') return;
    this.#state = state;
    this.#value = value;
    this.#canceller = undefined;
    this.#token = undefined;
    if (this.#resolve !== undefined) {
      if (state === 'fulfilled') this.#resolve(value);
      else this.#reject!(value);
      this.#resolve = undefined;
      this.#reject = undefined;
    }
    const listeners = this.#listeners;
    if (listeners !== undefined) {
      this.#listeners = undefined;
      for (const listener of listeners) listener(this as Future<unknown>);
    }
  }
}

/** Creates a pending future; `canceller.futureCancelled(token)` runs if it is cancelled while pending. */
export function createFuture<R>(canceller?: Canceller, token?: unknown): Future<R> {
  return make<R>(canceller, token);
}

/** pending -> running; false if the future was already cancelled or settled. */
export function startFuture<R>(future: Future<R>): boolean {
  return start(future as Future<unknown>);
}

export function resolveFuture<R>(future: Future<R>, value: R): void {
  settle(future as Future<unknown>, 'fulfilled', value);
}

export function rejectFuture<R>(future: Future<R>, error: unknown): void {
  settle(future as Future<unknown>, 'rejected', error);
}

/** Settles as cancelled with a CancelledError (shutdown({ cancelPending })). */
export function cancelFuture<R>(future: Future<R>): void {
  settle(
    future as Future<unknown>,
    'cancelled',
    new CancelledError('The task was cancelled before it started'),
  );
}

/** Calls `listener` once the future is settled (at once if it already is). */
export function onSettled<R>(future: Future<R>, listener: (future: Future<R>) => void): void {
  listen(future as Future<unknown>, listener as Listener);
}
