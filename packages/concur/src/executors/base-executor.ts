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
import { autoChunkSize, TARGET_CHUNK_MS } from '../map/chunk-size.ts';
import { lazyMap, type MapScheduler } from '../map/lazy-map.ts';
import type { MapInput, MapOptions } from '../map/map-options.ts';
import type { CallSites } from '../options/call-sites.ts';
import {
  checkKnownKeys,
  checkNonNegative,
  checkObject,
  checkSignal,
  invalid,
} from '../options/validate.ts';
import { type AnyTask, checkTask, type Task } from '../task/task.ts';
import { checkExported } from '../task/task-export.ts';
import { dropTransfers, releaseTransfers, takeTransfers } from '../transfer/take-transfers.ts';
import { marks } from '../transfer/transfer-marks.ts';
import type {
  CallOptions,
  Executor,
  ExecutorKind,
  ExecutorStats,
  ShutdownOptions,
} from './executor.ts';
import { TimingWindow } from './timing-window.ts';

const CALL_OPTION_KEYS = ['signal', 'timeoutMs'] as const;
const CALL_SITE_MIN_RUN_MS = 0.05;
const CALL_SITES_BEFORE_MEASURED = 64;
const CALL_SITE_MIN_COLD_RUN_MS = 1;

function checkCallSites(value: unknown): CallSites {
  if (value !== true && value !== false && value !== 'auto')
    throw invalid('callSites', "true, false or 'auto'", value);
  return value;
}

/** Appends the submit site to an error that came back from a task, so its stack shows both ends. */
export function appendCallSite(error: unknown, callSite: { stack?: string } | undefined): void {
  if (callSite?.stack === undefined) return;
  // In-process, this is the task's own error: its getters and Proxy traps may throw,
  // and an exception here would leave the future pending for ever.
  try {
    if (!(error instanceof Error) || typeof error.stack !== 'string') return;
    const lines = callSite.stack.split('\n').slice(1);
    if (lines.length > 0) error.stack += `\n    at [concur submit]\n${lines.join('\n')}`;
  } catch {
    // Left as the task threw it.
  }
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

/** A call refused before it became a job: nothing moves, so its transfer() marks are let go. */
function refused<R>(args: unknown[], error: Error): Future<R> {
  if (marks.pending > 0) dropTransfers(args);
  return rejected(error);
}

/**
 * What every executor shares: argument checks, futures, per-call abort and timeout,
 * map/starmap, shutdown and stats. A subclass provides only a scheduler:
 * where queued jobs wait and how they run.
 */
export abstract class BaseExecutor implements Executor, MapScheduler, Canceller {
  abstract readonly kind: ExecutorKind;
  #closed = false;
  #closing: Promise<void> | undefined;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #waitTimes = new TimingWindow();
  #runTimes = new TimingWindow();
  #perItemMs = new WeakMap<AnyTask, number>();
  readonly #maxQueue: number;
  readonly #callSites: CallSites;
  /** Moving average of each task's run time, and how many calls were submitted before the first result. */
  #taskRunMs = new WeakMap<AnyTask, number>();
  /** Run times of tasks' first runs in a worker, which include compiling them. */
  #coldRunMs = new WeakMap<AnyTask, number>();
  #unmeasured = new WeakMap<AnyTask, number>();

  protected constructor(maxQueue: number, callSites: CallSites = 'auto') {
    this.#maxQueue = maxQueue;
    this.#callSites = checkCallSites(callSites);
  }

  // ---- what a scheduler provides -------------------------------------------------------

  /** Tasks that can run at once (workers x concurrency per worker). */
  abstract get capacity(): number;
  protected abstract get queuedCount(): number;
  protected abstract get busyWorkers(): number;
  protected abstract get liveWorkers(): number;
  /** True if a task enqueued now would start without waiting; such a task never counts against maxQueue. */
  protected get hasFreeSlot(): boolean {
    return false;
  }
  /** Queue a job; it will call jobStarted, then jobFulfilled or jobRejected. */
  protected abstract enqueue(job: Job): void;
  /** Remove a job that is still queued. */
  protected abstract dequeue(job: Job): void;
  /** Stop a running job (stop its worker, or abort its signal in-process). */
  protected abstract interrupt(job: Job, reason: Error): void;
  /** Remove and return every queued job. */
  protected abstract takeQueued(): Job[];
  /** Resolves once nothing is queued or running. */
  protected abstract drained(): Promise<void>;
  /** Releases workers; called once, after drained() or after cancelling. */
  protected abstract close(force: boolean): Promise<void>;

  // ---- public API ----------------------------------------------------------------------

  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<Awaited<R>> {
    return this.#submit(task, args, undefined, this.submit);
  }

  submitWith<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: CallOptions,
  ): Future<Awaited<R>> {
    if (!Array.isArray(args)) throw invalid('args', "an array of the task's arguments", args);
    checkObject('options', options);
    checkKnownKeys('submitWith()', options, CALL_OPTION_KEYS);
    return this.#submit(task, args, options, this.submitWith);
  }

  map<T, R>(
    task: Task<[T], R>,
    items: MapInput<T>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    checkTask(task, 'map()');
    this.#checkOpen();
    return lazyMap(this, task, JobMode.MapChunk, items, options) as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    argTuples: MapInput<A>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    checkTask(task, 'starmap()');
    this.#checkOpen();
    return lazyMap(this, task, JobMode.StarmapChunk, argTuples, options) as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkObject('options', options);
    checkKnownKeys('shutdown()', options, ['wait', 'cancelPending']);
    const wait = options.wait ?? true;
    if (options.cancelPending === true) {
      for (const job of this.takeQueued()) this.#cancelQueued(job, false);
    }
    this.#closed = true;
    this.#closing ??= this.drained().then(() => this.close(false));
    return wait ? this.#closing : Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  stats(): ExecutorStats {
    return {
      submitted: this.#submitted,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      queued: this.queuedCount,
      busyWorkers: this.busyWorkers,
      liveWorkers: this.liveWorkers,
      waitTime: this.#waitTimes.percentiles(),
      runTime: this.#runTimes.percentiles(),
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ---- MapScheduler (used by lazyMap) --------------------------------------------------

  /** @internal */
  scheduleChunk(task: AnyTask, mode: JobMode, items: unknown[], sink: JobSink): Job | undefined {
    this.#checkOpen();
    const job = new Job(task, mode, items, sink);
    if (marks.pending > 0) job.transfer = takeTransfers(items);
    this.#submitted += job.size;
    this.enqueue(job);
    return job;
  }

  /** @internal */
  cancelChunk(job: Job): boolean {
    if (job.state !== JobState.Queued) return false;
    this.#cancelQueued(job);
    return true;
  }

  /** @internal Items per chunk for map's chunksize 'auto', from the time per item measured so far. */
  autoChunkSize(task: AnyTask, chunksSoFar: number, knownLength: number | undefined): number {
    const capacity = Number.isFinite(this.capacity) ? this.capacity : 1;
    return autoChunkSize(
      this.#perItemMs.get(task),
      chunksSoFar,
      capacity,
      knownLength,
      this.chunkTargetMs,
    );
  }

  /** Milliseconds of work an automatic map chunk should carry: enough to hide the cost of one message. */
  protected get chunkTargetMs(): number {
    return TARGET_CHUNK_MS;
  }

  // ---- for schedulers ------------------------------------------------------------------

  protected jobStarted(job: Job): void {
    job.state = JobState.Running;
    job.startedAt = performance.now();
    this.#waitTimes.add(job.startedAt - job.submittedAt);
    job.sink.started(job);
  }

  protected jobFulfilled(job: Job, value: unknown): void {
    if (!this.#finish(job)) return;
    this.#completed += job.size;
    job.sink.fulfilled(job, value);
  }

  protected jobRejected(job: Job, error: unknown): void {
    if (!this.#finish(job)) return;
    this.#failed += 1;
    this.#completed += job.size - 1;
    job.sink.rejected(job, error);
  }

  // ---- internals -----------------------------------------------------------------------

  #finish(job: Job): boolean {
    if (job.state === JobState.Done) return false;
    job.state = JobState.Done;
    const ran =
      job.runMs > 0 ? job.runMs : job.startedAt > 0 ? performance.now() - job.startedAt : 0;
    this.#runTimes.add(ran);
    if (job.mode === JobMode.Call) {
      const times = job.firstRun ? this.#coldRunMs : this.#taskRunMs;
      const old = times.get(job.task);
      times.set(job.task, old === undefined ? ran : old * 0.9 + ran * 0.1);
    }
    if (job.mode !== JobMode.Call && job.payload.length > 0 && ran > 0) {
      const per = ran / job.payload.length;
      const old = this.#perItemMs.get(job.task);
      this.#perItemMs.set(job.task, old === undefined ? per : old * 0.7 + per * 0.3);
    }
    if (job.timer !== undefined) clearTimeout(job.timer);
    if (job.abortListener !== undefined)
      job.signal!.removeEventListener('abort', job.abortListener);
    if (job.transfer !== undefined) releaseTransfers(job.transfer);
    return true;
  }

  // Capturing a stack costs about 5 us (measured: more than the whole round trip of a
  // tiny task), so by default it is done only where it costs under a tenth of the task.
  #shouldRecordCallSite(task: AnyTask): boolean {
    if (this.#callSites !== 'auto') return this.#callSites;
    const avg = this.#taskRunMs.get(task);
    if (avg !== undefined) return avg >= CALL_SITE_MIN_RUN_MS;
    // Only first runs so far: compiling took `x => x + 1` 0.12 ms, so only a first run
    // well past that says the task itself is long.
    const cold = this.#coldRunMs.get(task);
    if (cold !== undefined) return cold >= CALL_SITE_MIN_COLD_RUN_MS;
    const count = this.#unmeasured.get(task) ?? 0;
    this.#unmeasured.set(task, count + 1);
    return count < CALL_SITES_BEFORE_MEASURED;
  }

  // takeQueued() has already removed its jobs: dequeuing them again would count them twice.
  #cancelQueued(job: Job, stillQueued = true): void {
    if (stillQueued) this.dequeue(job);
    job.state = JobState.Done;
    this.#cancelled += job.size;
    if (job.timer !== undefined) clearTimeout(job.timer);
    if (job.abortListener !== undefined)
      job.signal!.removeEventListener('abort', job.abortListener);
    if (job.transfer !== undefined) releaseTransfers(job.transfer);
    if (job.sink === submitSink) cancelFuture(job.ref as Future<unknown>);
    else job.sink.rejected(job, new CancelledError('The task was cancelled before it started'));
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new ExecutorShutdownError(
        `This ${this.kind} executor has been shut down; create a new executor to run more tasks`,
      );
    }
  }

  #submit<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: CallOptions | undefined,
    entry: Function,
  ): Future<Awaited<R>> {
    checkTask(task, 'submit()');
    let signal: AbortSignal | undefined;
    let timeoutMs: number | undefined;
    if (options !== undefined) {
      if (options.signal !== undefined) signal = checkSignal('signal', options.signal);
      if (options.timeoutMs !== undefined)
        timeoutMs = checkNonNegative('timeoutMs', options.timeoutMs);
    }
    if (this.#closed) {
      return refused(
        args,
        new ExecutorShutdownError(
          `This ${this.kind} executor has been shut down; create a new executor to run more tasks`,
        ),
      );
    }
    const exported = checkExported(task);
    if (exported instanceof Error) {
      this.#submitted++;
      this.#failed++;
      return refused(args, exported);
    }
    if (this.queuedCount >= this.#maxQueue && !this.hasFreeSlot) {
      return refused(
        args,
        new QueueFullError(
          `${this.queuedCount} tasks are already queued, the executor's \`maxQueue\`; wait for some to finish (await their futures) or raise \`maxQueue\``,
        ),
      );
    }
    const job = new Job(task, JobMode.Call, args, submitSink);
    if (marks.pending > 0) job.transfer = takeTransfers(args);
    const future = createFuture<Awaited<R>>(this, job);
    job.ref = future;
    if (this.#shouldRecordCallSite(task)) {
      const callSite: { stack?: string } = {};
      Error.captureStackTrace(callSite, entry);
      job.callSite = callSite;
    }
    this.#submitted++;
    if (signal !== undefined) {
      if (signal.aborted) {
        job.state = JobState.Done;
        this.#failed++;
        if (job.transfer !== undefined) releaseTransfers(job.transfer);
        rejectFuture(
          future as Future<unknown>,
          new AbortError('The task was aborted before it was submitted', { cause: signal.reason }),
        );
        return future;
      }
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
    this.enqueue(job);
    return future;
  }

  /** @internal Canceller: future.cancel() on a pending future, whose job is therefore still queued. */
  futureCancelled(token: unknown): void {
    const job = token as Job;
    this.dequeue(job);
    job.state = JobState.Done;
    this.#cancelled++;
    if (job.timer !== undefined) clearTimeout(job.timer);
    if (job.abortListener !== undefined)
      job.signal!.removeEventListener('abort', job.abortListener);
    if (job.transfer !== undefined) releaseTransfers(job.transfer);
  }

  #stop(job: Job, reason: Error): void {
    if (job.state === JobState.Queued) {
      this.dequeue(job);
      job.state = JobState.Running;
      this.jobRejected(job, reason);
    } else if (job.state === JobState.Running) {
      this.interrupt(job, reason);
    }
  }
}
