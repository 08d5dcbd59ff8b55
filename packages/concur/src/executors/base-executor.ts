import type { Future } from '../future/future.ts';
import { type Job, JobMode } from '../job/job.ts';
import { TARGET_CHUNK_MS } from '../map/chunk-size.ts';
import type { MapInput, MapOptions } from '../map/map-options.ts';
import type { CallSites } from '../options/call-sites.ts';
import type { AnyTask, Task } from '../task/task.ts';
import type {
  CallOptions,
  Executor,
  ExecutorKind,
  ExecutorStats,
  ShutdownOptions,
} from './executor.ts';
import { ExecutorCore, type Scheduler } from './executor-core.ts';

/**
 * The public front every executor shares: the Executor interface over a private
 * core (executor-core.ts) that holds the checks, futures, abort and timeout, map,
 * shutdown and stats. A subclass provides only a scheduler, through the protected
 * members below: where queued jobs wait and how they run.
 */
export abstract class BaseExecutor implements Executor {
  abstract readonly kind: ExecutorKind;
  readonly #core: ExecutorCore;

  protected constructor(maxQueue: number, callSites: CallSites = 'auto') {
    this.#core = new ExecutorCore(this.#scheduler(), maxQueue, callSites);
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

  /** submitWith() options of this executor beyond signal and timeoutMs; enqueue() reads them from job.callOptions. */
  protected get extraCallOptionKeys(): readonly string[] {
    return [];
  }

  /** Milliseconds of work an automatic map chunk should carry: enough to hide the cost of one message. */
  protected get chunkTargetMs(): number {
    return TARGET_CHUNK_MS;
  }

  /** True if map's chunksize 'auto' should give each item of `task` a chunk of its own. */
  protected oneItemPerChunk(_task: AnyTask): boolean {
    return false;
  }

  // ---- public API ----------------------------------------------------------------------

  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<Awaited<R>> {
    return this.#core.submit(task, args, undefined, this.submit);
  }

  submitWith<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: CallOptions,
  ): Future<Awaited<R>> {
    return this.#core.submit(task, args, options, this.submitWith);
  }

  map<T, R>(
    task: Task<[T], R>,
    items: MapInput<T>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    return this.#core.map(task, JobMode.MapChunk, items, options, 'map()') as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    argTuples: MapInput<A>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    return this.#core.map(
      task,
      JobMode.StarmapChunk,
      argTuples,
      options,
      'starmap()',
    ) as AsyncIterableIterator<Awaited<R>>;
  }

  shutdown(options: ShutdownOptions = {}): Promise<void> {
    return this.#core.shutdown(options);
  }

  /** `await using executor = ...`: shuts the executor down (waiting for its tasks) when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  stats(): ExecutorStats {
    return this.#core.stats();
  }

  /** True once `shutdown()` has been called: `submit`, `map` and `starmap` then refuse new work. */
  get closed(): boolean {
    return this.#core.closed;
  }

  // ---- for schedulers ------------------------------------------------------------------

  protected jobStarted(job: Job): void {
    this.#core.jobStarted(job);
  }

  protected jobFulfilled(job: Job, value: unknown): void {
    this.#core.jobFulfilled(job, value);
  }

  protected jobRejected(job: Job, error: unknown): void {
    this.#core.jobRejected(job, error);
  }

  /** The core's view of this executor's scheduler; read lazily, since subclass fields are set after super(). */
  #scheduler(): Scheduler {
    const front = this;
    return {
      get kind() {
        return front.kind;
      },
      get capacity() {
        return front.capacity;
      },
      get queuedCount() {
        return front.queuedCount;
      },
      get hasFreeSlot() {
        return front.hasFreeSlot;
      },
      get busyWorkers() {
        return front.busyWorkers;
      },
      get liveWorkers() {
        return front.liveWorkers;
      },
      get chunkTargetMs() {
        return front.chunkTargetMs;
      },
      get extraCallOptionKeys() {
        return front.extraCallOptionKeys;
      },
      oneItemPerChunk: (task) => this.oneItemPerChunk(task),
      enqueue: (job) => this.enqueue(job),
      dequeue: (job) => this.dequeue(job),
      interrupt: (job, reason) => this.interrupt(job, reason),
      takeQueued: () => this.takeQueued(),
      drained: () => this.drained(),
      close: (force) => this.close(force),
    };
  }
}
