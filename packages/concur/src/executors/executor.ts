import type { Future } from '../future/future.ts';
import type { MapInput, MapOptions } from '../map/map-options.ts';
import type { Task } from '../task/task.ts';

/** Which model an executor runs tasks with; `Executor.kind`. */
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

/** Options of `shutdown()`. */
export interface ShutdownOptions {
  /** Wait for running and queued tasks to finish (and workers to exit). @default true */
  wait?: boolean;
  /** Cancel every task that has not started; their futures settle as cancelled. @default false */
  cancelPending?: boolean;
}

/** Percentiles of a duration, in milliseconds. */
export interface TimingPercentiles {
  /** The median. */
  p50: number;
  /** The 99th percentile. */
  p99: number;
}

/** Counters and timings of an executor, from `stats()`. */
export interface ExecutorStats {
  /** Tasks submitted so far (a map item counts as one). */
  submitted: number;
  /** Tasks that fulfilled. */
  completed: number;
  /** Tasks that rejected (task errors, crashes, timeouts, aborts). */
  failed: number;
  /** Tasks cancelled before they started. */
  cancelled: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Workers (or in-process slots) running a task now. */
  busyWorkers: number;
  /** Workers alive now: threads or processes, or the queue's workers that Redis lists. */
  liveWorkers: number;
  /** Milliseconds from submit to start, over recent tasks. */
  waitTime: TimingPercentiles;
  /** Milliseconds from start to result, over recent tasks. */
  runTime: TimingPercentiles;
}

/**
 * The one interface every concur executor implements: switching between
 * sequential code, coroutines, threads, processes and a Redis queue is a
 * change of the constructor, not of the program.
 */
export interface Executor extends AsyncDisposable {
  /** The model this executor runs tasks with. */
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
  /** Counters and timings so far. */
  stats(): ExecutorStats;
}
