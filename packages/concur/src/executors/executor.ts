import type { Future } from '../future/future.ts';
import type { MapInput, MapOptions } from '../map/map-options.ts';
import type { Task } from '../task/task.ts';

export type ExecutorKind = 'sequential' | 'async' | 'thread' | 'process' | 'queue';

/** Per-call options of `submitWith`. */
export interface CallOptions {
  /**
   * Aborting rejects the future with an AbortError. A queued task is dropped; a running
   * task in a pool has its worker stopped and replaced; a running in-process task sees
   * `this.signal` abort and must stop by itself.
   */
  signal?: AbortSignal;
  /** Like `signal`, after this many milliseconds counted from submit; rejects with a TimeoutError. */
  timeoutMs?: number;
}

export interface ShutdownOptions {
  /** Wait for running and queued tasks to finish (and workers to exit). @default true */
  wait?: boolean;
  /** Cancel every task that has not started; their futures settle as cancelled. @default false */
  cancelPending?: boolean;
}

export interface TimingPercentiles {
  p50: number;
  p99: number;
}

export interface ExecutorStats {
  submitted: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Tasks waiting for a worker. */
  queued: number;
  busyWorkers: number;
  liveWorkers: number;
  /** Milliseconds from submit to start, over recent tasks. */
  waitTime: TimingPercentiles;
  /** Milliseconds from start to result, over recent tasks. */
  runTime: TimingPercentiles;
}

/** Input of `map`: any sync or async iterable, consumed lazily. */

/**
 * The one interface every concur executor implements: switching between
 * sequential code, coroutines, threads, processes and a Redis queue is a
 * change of the constructor, not of the program.
 */
export interface Executor extends AsyncDisposable {
  readonly kind: ExecutorKind;
  /** Runs `task(...args)` and returns its future. */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<Awaited<R>>;
  /** `submit` with per-call options (abort signal, timeout). */
  submitWith<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: CallOptions,
  ): Future<Awaited<R>>;
  /** Lazily applies `task` to each item; see MapOptions. */
  map<T, R>(
    task: Task<[T], R>,
    items: MapInput<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  /** Lazily applies `task` to each tuple of arguments. */
  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    argTuples: MapInput<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  /** Stops accepting work; see ShutdownOptions. Safe to call more than once. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): ExecutorStats;
}
