import { ConcurError } from './concur-error.ts';

/** `submit`, `map` or `starmap` was called after `shutdown()`. */
export class ExecutorShutdownError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_SHUTDOWN';
}

/** The future was cancelled before its task started (by `cancel()` or `shutdown({ cancelPending: true })`). */
export class CancelledError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_CANCELLED';
}

/** The call's `timeoutMs` elapsed before its task settled. */
export class TimeoutError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_TIMEOUT';
  /** The `timeoutMs` that elapsed. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(message);
    this.timeoutMs = timeoutMs;
  }
}

/** The call's `signal` was aborted; `cause` holds the signal's reason. */
export class AbortError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_ABORTED';
}

/** `maxQueue` tasks were already waiting, so the new one was refused (backpressure). */
export class QueueFullError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_QUEUE_FULL';
}

/**
 * A QueueExecutor could not use Redis: it was not reached within `connectTimeoutMs`,
 * or it refused a job (wrong password, out of memory, read-only replica). `cause` is
 * Redis's own error, when there is one.
 */
export class QueueBackendError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_QUEUE_BACKEND';
}

/** A task definition was refused: anonymous, a closure, or a module reference that cannot be loaded in a worker. */
export class InvalidTaskError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_INVALID_TASK';
}

/**
 * A pool was created in a worker while the worker imported the program's own file to find
 * a task: the program is running again inside the worker, because its program part is not
 * guarded by `if (!inWorker())`. The pool refuses tasks, so that workers do not start
 * workers without end.
 */
export class ProgramRerunError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_PROGRAM_RERUN';
}

/** A worker could not import the task's module, or the module did not define the task. */
export class TaskNotFoundError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_TASK_NOT_FOUND';
}

/** An argument or a return value cannot cross the thread or process boundary. */
export class DataCloneError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_DATA_CLONE';
}

/** What can cross to a worker and back, for the advice in a DataCloneError's message. */
export const PLAIN_DATA = 'numbers, strings, arrays, plain objects, typed arrays, Map, Set, Date';

/**
 * `transfer()` was given a value it cannot move: a SharedArrayBuffer (shared, never moved),
 * a buffer already moved or detached, one an earlier call is about to move, or a value
 * that is not an ArrayBuffer, typed array, DataView or MessagePort.
 */
export class TransferError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_TRANSFER';
}

/**
 * A pool could not start a worker because concur's worker entry file is missing: most
 * often concur was bundled into an app (esbuild, webpack, rollup), and its workers start
 * from files of the concur package. Mark concur external when bundling.
 */
export class WorkerEntryNotFoundError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_WORKER_ENTRY';
}

/** An option or argument had the wrong type or range. */
export class InvalidArgumentError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_INVALID_ARG';
}

/** How a worker died; the fields of WorkerCrashedError. */
export interface WorkerCrashDetails {
  /** `thread` or `process`. */
  readonly runtime: string;
  /** Thread id for worker threads, pid for child processes. */
  readonly workerId: number;
  /** The exit code, or null when a signal ended the worker. */
  readonly exitCode: number | null;
  /** The signal that ended a process worker (`SIGKILL`, ...), or null. */
  readonly signal: string | null;
}

/** The worker running the task died (process.exit, uncaught error, SIGKILL, out of memory) or was stopped. */
export class WorkerCrashedError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_WORKER_CRASHED';
  /** `thread` or `process`. */
  readonly runtime: string;
  /** Thread id for worker threads, pid for child processes. */
  readonly workerId: number;
  /** The exit code, or null when a signal ended the worker. */
  readonly exitCode: number | null;
  /** The signal that ended a process worker (`SIGKILL`, ...), or null. */
  readonly signal: string | null;
  constructor(message: string, details: WorkerCrashDetails, options?: ErrorOptions) {
    super(message, options);
    this.runtime = details.runtime;
    this.workerId = details.workerId;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
  }
}
