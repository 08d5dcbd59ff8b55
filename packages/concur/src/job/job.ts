import type { AnyTask } from '../task/task.ts';
import { releaseTransfers } from '../transfer/take-transfers.ts';
import type { Movable } from '../transfer/transfer-marks.ts';

/** How a job's payload is applied to its task. */
export const JobMode = Object.freeze({
  /** payload is the argument list of one call. */
  Call: 0,
  /** payload is a list of items; the task is called once per item (map). */
  MapChunk: 1,
  /** payload is a list of argument lists (starmap). */
  StarmapChunk: 2,
} as const);
export type JobMode = (typeof JobMode)[keyof typeof JobMode];

/** Where a job is: waiting in its scheduler, handed to a worker, or settled. */
export const JobState = Object.freeze({
  /** Waiting in its executor's queue; it can still be cancelled. */
  Queued: 0,
  /** Handed to a worker (or started in-process): it counts as running. */
  Running: 1,
  /** Settled, cancelled or failed: nothing more happens to it. */
  Done: 2,
} as const);
/** One of the values of {@link JobState}. */
export type JobState = (typeof JobState)[keyof typeof JobState];

/** An error raised by item `index` of a chunk, with the values of the items before it. */
export class ChunkFailure {
  constructor(
    /** The item's position in the chunk. */
    readonly index: number,
    /** Results of the chunk's items before it, in order. */
    readonly values: unknown[],
    /** What item `index` threw. */
    readonly error: unknown,
  ) {}
}

/** Receives the outcome of a job. One sink serves many jobs (a map run, or a submit). */
export interface JobSink {
  /** The job started running (left the queue). */
  started(job: Job): void;
  /** `value` is the call's result, or for chunk jobs the array of results. */
  fulfilled(job: Job, value: unknown): void;
  /** `error` is the thrown error, or a ChunkFailure for chunk jobs. */
  rejected(job: Job, error: unknown): void;
}

let nextId = 1;

/**
 * One unit of work as the schedulers see it: a call, or a chunk of map items.
 * Plain fields, no closures: the hot path allocates one of these per message, not per item.
 */
export class Job {
  /** Unique in this thread, increasing in submit order. */
  readonly id = nextId++;
  /** See {@link JobState}. */
  state: JobState = JobState.Queued;
  /** performance.now() at submit, at start. */
  readonly submittedAt: number = performance.now();
  /** performance.now() when it started running; 0 until then. */
  startedAt = 0;
  /** Milliseconds the task itself ran, as measured where it ran. */
  runMs = 0;
  /** Its worker ran this task for the first time: runMs includes compiling it. */
  firstRun = false;
  /** Scheduler-private: which worker holds it, its timer, etc. */
  owner: unknown = undefined;
  /** The call's `timeoutMs` timer, cleared by disarm(). */
  timer: NodeJS.Timeout | undefined = undefined;
  /** The call's abort signal, if any. */
  signal: AbortSignal | undefined = undefined;
  /** The listener on `signal`, removed by disarm(). */
  abortListener: (() => void) | undefined = undefined;
  /** For map chunks: position in the map's input of the chunk's first item (for errors). */
  first = 0;
  /** Where submit() was called, appended to the stack of a task's error. */
  callSite:
    | {
        /** The stack captured at submit(). */
        stack?: string;
      }
    | undefined = undefined;
  /** Opaque per-sink state (a map run's chunk record, a future controller). */
  ref: unknown = undefined;
  /** submitWith()'s options, for an executor that takes more than signal and timeoutMs. */
  callOptions: object | undefined = undefined;
  /** What transfer() marked in the payload: moved, not copied, when sent to a worker thread. */
  transfer: Movable[] | undefined = undefined;

  constructor(
    /** The task to run. */
    readonly task: AnyTask,
    /** A single call, or a chunk of map or starmap items. */
    readonly mode: JobMode,
    /** The call's arguments, or the chunk's items (argument tuples for starmap). */
    readonly payload: unknown[],
    /** Where its outcome goes. */
    readonly sink: JobSink,
  ) {}

  /** Number of task calls in this job. */
  get size(): number {
    return this.mode === JobMode.Call ? 1 : this.payload.length;
  }

  /** Clears the call's timeout and abort listener: once it is done, nothing is left to stop. */
  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.abortListener !== undefined)
      this.signal!.removeEventListener('abort', this.abortListener);
    if (this.transfer !== undefined) releaseTransfers(this.transfer);
  }
}
