import {
  AbortError,
  CancelledError,
  ExecutorShutdownError,
  QueueFullError,
  TimeoutError,
} from '../errors/errors.ts';
import {
  type Canceller,
  cancelFuture,
  createFuture,
  type Future,
  rejectFuture,
  resolveFuture,
  startFuture,
} from '../future/future.ts';
import { Job, JobMode, type JobSink, JobState } from '../job/job.ts';
import { autoChunkSize } from '../map/chunk-size.ts';
import { lazyMap, type MapScheduler } from '../map/lazy-map.ts';
import type { MapInput, MapOptions } from '../map/map-options.ts';
import {
  checkKnownKeys,
  checkObject,
  checkSignal,
  checkTimeoutMs,
  invalid,
} from '../options/validate.ts';
import { type AnyTask, checkTask } from '../task/task.ts';
import { checkExported } from '../task/task-export.ts';
import { dropTransfers, takeTransfers } from '../transfer/take-transfers.ts';
import { marks } from '../transfer/transfer-marks.ts';
import { appendCallSite, CallSitePolicy } from './call-site-policy.ts';
import type { CallOptions, ExecutorKind, ExecutorStats, ShutdownOptions } from './executor.ts';
import { TimingWindow } from './timing-window.ts';

const CALL_OPTION_KEYS = ['signal', 'timeoutMs'] as const;

/** What the core asks of the executor in front of it: where queued jobs wait and how they run. */
export interface Scheduler {
  readonly kind: ExecutorKind;
  /** Tasks that can run at once. */
  readonly capacity: number;
  readonly queuedCount: number;
  /** A task enqueued now would start without waiting: it never counts against maxQueue. */
  readonly hasFreeSlot: boolean;
  readonly busyWorkers: number;
  readonly liveWorkers: number;
  /** Milliseconds of work an automatic map chunk should carry. */
  readonly chunkTargetMs: number;
  /** submitWith() options beyond signal and timeoutMs; enqueue() reads them from job.callOptions. */
  readonly extraCallOptionKeys: readonly string[];
  /** Map should give each item of `task` a chunk of its own. */
  oneItemPerChunk(task: AnyTask): boolean;
  enqueue(job: Job): void;
  dequeue(job: Job): void;
  interrupt(job: Job, reason: Error): void;
  takeQueued(): Job[];
  drained(): Promise<void>;
  close(force: boolean): Promise<void>;
}

const submitSink: JobSink = {
  started(job) {
    startFuture(job.ref as Future<unknown>);
  },
  fulfilled(job, value) {
    resolveFuture(job.ref as Future<unknown>, value);
  },
  rejected(job, error) {
    appendCallSite(error, job.callSite);
    rejectFuture(job.ref as Future<unknown>, error);
  },
};

function rejected<R>(error: Error): Future<R> {
  const future = createFuture<R>();
  rejectFuture(future as Future<unknown>, error);
  return future;
}

/**
 * What every executor shares, behind its public class: argument checks, futures,
 * per-call abort and timeout, map/starmap, shutdown and stats. The scheduler says
 * where queued jobs wait and how they run. lazyMap and futures reach the core through
 * adapter objects of their own, so none of this is on the public class.
 */
export class ExecutorCore {
  readonly #scheduler: Scheduler;
  readonly #maxQueue: number;
  readonly #callSites: CallSitePolicy;
  #closed = false;
  #closing: Promise<void> | undefined;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  readonly #waitTimes = new TimingWindow();
  readonly #runTimes = new TimingWindow();
  readonly #perItemMs = new WeakMap<AnyTask, number>();
  readonly #mapScheduler: MapScheduler;
  /** Told by a future cancelled while pending, whose job is therefore still queued. */
  readonly #canceller: Canceller = {
    futureCancelled: (token) => this.#drop(token as Job, true),
  };

  constructor(scheduler: Scheduler, maxQueue: number, callSites: unknown) {
    this.#scheduler = scheduler;
    this.#maxQueue = maxQueue;
    this.#callSites = new CallSitePolicy(callSites);
    this.#mapScheduler = {
      get capacity() {
        return scheduler.capacity;
      },
      scheduleChunk: (task, mode, items, sink, chunk) => {
        this.#checkOpen();
        const job = new Job(task, mode, items, sink);
        job.ref = chunk;
        job.first = chunk.first;
        if (marks.pending > 0) job.transfer = takeTransfers(items);
        this.#submitted += job.size;
        scheduler.enqueue(job);
        return job;
      },
      cancelChunk: (job) => {
        if (job.state !== JobState.Queued) return false;
        this.#cancelQueued(job, true);
        return true;
      },
      autoChunkSize: (task, chunksSoFar, knownLength) =>
        this.#autoChunkSize(task, chunksSoFar, knownLength),
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** submit() and submitWith(); `entry` is the public method called, where the call site's stack starts. */
  submit<R>(
    task: AnyTask,
    args: unknown[],
    options: CallOptions | undefined,
    entry: Function,
  ): Future<R> {
    if (options !== undefined) {
      if (!Array.isArray(args)) throw invalid('args', "an array of the task's arguments", args);
      checkObject('options', options);
      checkKnownKeys('submitWith()', options, [
        ...CALL_OPTION_KEYS,
        ...this.#scheduler.extraCallOptionKeys,
      ]);
    }
    checkTask(task, 'submit()');
    let signal: AbortSignal | undefined;
    let timeoutMs: number | undefined;
    if (options !== undefined) {
      if (options.signal !== undefined) signal = checkSignal('signal', options.signal);
      if (options.timeoutMs !== undefined)
        timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs);
    }
    const refusal = this.#refusal(task);
    if (refusal !== undefined) {
      // Refused before it became a job: nothing moves, so its transfer() marks are let go.
      if (marks.pending > 0) dropTransfers(args);
      return rejected(refusal);
    }
    const job = new Job(task, JobMode.Call, args, submitSink);
    if (marks.pending > 0) job.transfer = takeTransfers(args);
    job.callOptions = options;
    const future = createFuture<R>(this.#canceller, job);
    job.ref = future;
    job.callSite = this.#callSites.capture(task, entry);
    this.#submitted++;
    if (signal?.aborted) {
      job.state = JobState.Done;
      this.#failed++;
      job.disarm();
      rejectFuture(
        future as Future<unknown>,
        new AbortError('The task was aborted before it was submitted', { cause: signal.reason }),
      );
      return future;
    }
    this.#arm(job, signal, timeoutMs);
    this.#scheduler.enqueue(job);
    return future;
  }

  /** map() and starmap(), by `mode`. */
  map(
    task: AnyTask,
    mode: JobMode,
    items: MapInput<unknown>,
    options: MapOptions,
    caller: string,
  ): AsyncIterableIterator<unknown> {
    checkTask(task, caller);
    this.#checkOpen();
    return lazyMap(this.#mapScheduler, task, mode, items, options);
  }

  shutdown(options: ShutdownOptions): Promise<void> {
    checkObject('options', options);
    checkKnownKeys('shutdown()', options, ['wait', 'cancelPending']);
    const wait = options.wait ?? true;
    if (options.cancelPending === true) {
      for (const job of this.#scheduler.takeQueued()) this.#cancelQueued(job, false);
    }
    this.#closed = true;
    this.#closing ??= this.#scheduler.drained().then(() => this.#scheduler.close(false));
    return wait ? this.#closing : Promise.resolve();
  }

  stats(): ExecutorStats {
    const scheduler = this.#scheduler;
    return {
      submitted: this.#submitted,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      queued: scheduler.queuedCount,
      busyWorkers: scheduler.busyWorkers,
      liveWorkers: scheduler.liveWorkers,
      waitTime: this.#waitTimes.percentiles(),
      runTime: this.#runTimes.percentiles(),
    };
  }

  // ---- told by the scheduler -----------------------------------------------------------

  jobStarted(job: Job): void {
    job.state = JobState.Running;
    job.startedAt = performance.now();
    this.#waitTimes.add(job.startedAt - job.submittedAt);
    job.sink.started(job);
  }

  jobFulfilled(job: Job, value: unknown): void {
    if (!this.#finish(job)) return;
    this.#completed += job.size;
    job.sink.fulfilled(job, value);
  }

  jobRejected(job: Job, error: unknown): void {
    if (!this.#finish(job)) return;
    this.#failed += 1;
    this.#completed += job.size - 1;
    job.sink.rejected(job, error);
  }

  // ---- internals -----------------------------------------------------------------------

  /** Why a call cannot be queued (closed, task not exported, queue full), or undefined. */
  #refusal(task: AnyTask): Error | undefined {
    if (this.#closed) return this.#shutDownError();
    const exported = checkExported(task);
    if (exported instanceof Error) {
      this.#submitted++;
      this.#failed++;
      return exported;
    }
    const scheduler = this.#scheduler;
    if (scheduler.queuedCount >= this.#maxQueue && !scheduler.hasFreeSlot) {
      return new QueueFullError(
        `${scheduler.queuedCount} tasks are already queued, the executor's \`maxQueue\`; wait for some to finish (await their futures) or raise \`maxQueue\``,
      );
    }
    return undefined;
  }

  /** Stops the job on its signal's abort and after `timeoutMs`. */
  #arm(job: Job, signal: AbortSignal | undefined, timeoutMs: number | undefined): void {
    if (signal !== undefined) {
      job.signal = signal;
      job.abortListener = () =>
        this.#stop(
          job,
          new AbortError('The task was aborted by its signal', { cause: signal.reason }),
        );
      signal.addEventListener('abort', job.abortListener, { once: true });
    }
    if (timeoutMs !== undefined) {
      job.timer = setTimeout(
        () =>
          this.#stop(
            job,
            new TimeoutError(`The task did not finish within ${timeoutMs} ms`, timeoutMs),
          ),
        timeoutMs,
      );
    }
  }

  #stop(job: Job, reason: Error): void {
    if (job.state === JobState.Queued) {
      this.#scheduler.dequeue(job);
      job.state = JobState.Running;
      this.jobRejected(job, reason);
    } else if (job.state === JobState.Running) {
      this.#scheduler.interrupt(job, reason);
    }
  }

  #finish(job: Job): boolean {
    if (job.state === JobState.Done) return false;
    job.state = JobState.Done;
    const ran =
      job.runMs > 0 ? job.runMs : job.startedAt > 0 ? performance.now() - job.startedAt : 0;
    this.#runTimes.add(ran);
    this.#callSites.measured(job, ran);
    if (job.mode !== JobMode.Call && job.payload.length > 0 && ran > 0) {
      const per = ran / job.payload.length;
      const old = this.#perItemMs.get(job.task);
      this.#perItemMs.set(job.task, old === undefined ? per : old * 0.7 + per * 0.3);
    }
    job.disarm();
    return true;
  }

  /** Counts a queued job as cancelled; takeQueued() has already removed its jobs (`stillQueued` false). */
  #drop(job: Job, stillQueued: boolean): void {
    if (stillQueued) this.#scheduler.dequeue(job);
    job.state = JobState.Done;
    this.#cancelled += job.size;
    job.disarm();
  }

  #cancelQueued(job: Job, stillQueued: boolean): void {
    this.#drop(job, stillQueued);
    if (job.sink === submitSink) cancelFuture(job.ref as Future<unknown>);
    else job.sink.rejected(job, new CancelledError('The task was cancelled before it started'));
  }

  /** Items per chunk for map's chunksize 'auto', from the time per item measured so far. */
  #autoChunkSize(task: AnyTask, chunksSoFar: number, knownLength: number | undefined): number {
    const scheduler = this.#scheduler;
    if (scheduler.oneItemPerChunk(task)) return 1;
    const capacity = Number.isFinite(scheduler.capacity) ? scheduler.capacity : 1;
    return autoChunkSize(
      this.#perItemMs.get(task),
      chunksSoFar,
      capacity,
      knownLength,
      scheduler.chunkTargetMs,
    );
  }

  #checkOpen(): void {
    if (this.#closed) throw this.#shutDownError();
  }

  #shutDownError(): ExecutorShutdownError {
    return new ExecutorShutdownError(
      `This ${this.#scheduler.kind} executor has been shut down; create a new executor to run more tasks`,
    );
  }
}
