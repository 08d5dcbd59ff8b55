import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobsOptions } from 'bullmq';
import type { CallOptions, Future, Task } from 'concur';
import { DataCloneError, QueueBackendError } from 'concur';
import { BaseExecutor, type Job, JobMode, JobState, scanTaskModule } from 'concur/backend';
import { redisSubject } from './connection.ts';
import { ExecutorRedis } from './executor-redis.ts';
import { encodeJobData, jobOptions, type QueueJobData } from './job-data.ts';
import { completedOutcome, failedOutcome, type JobOutcome } from './job-outcome.ts';
import {
  checkBackoff,
  checkRetries,
  type QueueExecutorOptions,
  type QueueRetryOptions,
  type ResolvedQueueOptions,
  resolveQueueOptions,
} from './queue-options.ts';
import { isRedisUnavailable, unavailableRetryMs } from './redis-unavailable.ts';
import { moduleUrlsUnder } from './task-identity.ts';

/** Per-call options of QueueExecutor.submitWith: the usual ones plus retries and backoff. */
export interface QueueCallOptions extends CallOptions, QueueRetryOptions {}

interface Entry {
  readonly id: string;
  readonly job: Job;
  readonly data: QueueJobData;
  readonly opts: JobsOptions;
  /** queue.add() has resolved: from then on the listener watches it. */
  added: boolean;
  /** Cancelled or settled before queue.add() resolved: remove it once added. */
  dropped: boolean;
  /** The next try of an add Redis was unavailable for. */
  retry?: NodeJS.Timeout | undefined;
}

let executorCount = 0;

/**
 * Work per automatic map chunk. A job's trip through Redis (add, take, start
 * handshake, result) costs milliseconds, not the tens of microseconds of a thread
 * message: 13.7 ms per sequential submit measured on 2 loaded cores. With the
 * pools' 2 ms chunks a 100,000-item map took 32 s; with full chunks, 1.5 s.
 */
const CHUNK_TARGET_MS = 50;

/**
 * Runs tasks on `concur worker` processes, on this machine or others, through a
 * BullMQ queue on Redis. Same interface as every other executor; delivery is at
 * least once (a task may run again after a worker dies or Redis restarts), so
 * tasks should be idempotent.
 */
export class QueueExecutor extends BaseExecutor {
  readonly kind = 'queue' as const;
  readonly #options: ResolvedQueueOptions;
  readonly #redis: ExecutorRedis;
  readonly #entries = new Map<string, Entry>();
  /** This executor's id: unique across every executor that ever used this queue. */
  readonly #from: string;
  #seq = 0;
  #queued = 0;
  #running = 0;
  #idleWaiters: (() => void)[] = [];
  /** Redis was not reached within connectTimeoutMs: every task is refused with this. */
  #broken: QueueBackendError | undefined;
  /** When shutdown() began to wait for the tasks (performance.now()). */
  #drainingSince: number | undefined;

  constructor(options: QueueExecutorOptions) {
    const resolved = resolveQueueOptions(options);
    super(resolved.maxQueue);
    this.#options = resolved;
    this.#from = `${process.pid.toString(36)}${Date.now().toString(36)}${(executorCount++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this.#redis = new ExecutorRedis(resolved, this.#from, {
      started: (id) => this.#started(id),
      completed: (id, value) => this.#completed(id, value),
      failed: (id, stacktrace, reason) => this.#failed(id, stacktrace, reason),
      lost: (id) => this.#lost(id),
      mayStart: (id) => this.#mayStart(id),
      unreachable: (error) => this.#giveUp(error),
    });
  }

  /** The queue name. */
  get queueName(): string {
    return this.#options.queue;
  }

  get capacity(): number {
    return this.#options.capacity;
  }

  protected override get chunkTargetMs(): number {
    return CHUNK_TARGET_MS;
  }

  protected override get extraCallOptionKeys(): readonly string[] {
    return ['retries', 'backoff'];
  }

  /** Resolves once the executor is connected to Redis and listening for results. */
  ready(): Promise<void> {
    return this.#redis.ready;
  }

  /** `submit` with per-call options: signal, timeoutMs, and this executor's retries and backoff. */
  override submitWith<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: QueueCallOptions,
  ): Future<Awaited<R>> {
    // Checked here so that a bad value throws at the call, as other options do.
    if (typeof options === 'object' && options !== null) this.#retryOf(options);
    return super.submitWith(task, args, options);
  }

  // ---- scheduler ----------------------------------------------------------------------

  // The executor cannot see the workers' free slots; it takes `capacity` as their
  // number. Jobs within it are about to start: they are not waiting, so they count
  // neither in stats().queued nor against maxQueue.
  protected get queuedCount(): number {
    return Math.max(0, this.#queued - Math.max(0, this.#options.capacity - this.#running));
  }
  protected override get hasFreeSlot(): boolean {
    return this.#queued + this.#running < this.#options.capacity;
  }
  protected get busyWorkers(): number {
    return this.#running;
  }
  protected get liveWorkers(): number {
    return this.#redis.liveWorkers();
  }

  protected enqueue(job: Job): void {
    if (this.#broken !== undefined) {
      if (job.mode !== JobMode.Call) throw this.#broken;
      this.jobRejected(job, this.#broken);
      return;
    }
    let data: QueueJobData;
    try {
      data = encodeJobData(
        job,
        this.#options.codec,
        this.#options.tasksRoot,
        this.#from,
        this.#options.heartbeatMs,
      );
    } catch (error) {
      // Rejected before submit returns; a chunk's error surfaces from map() in its place,
      // after the results before it.
      this.jobRejected(job, job.mode === JobMode.Call ? error : inChunk(error, job));
      return;
    }
    // Error classes the task's module exports come back as themselves (see #failed).
    scanTaskModule(job.task.moduleUrl);
    const id = `${this.#from}-${(++this.#seq).toString(36)}`;
    const { attempts, backoff } = this.#retryOf(job.callOptions as QueueCallOptions | undefined);
    const opts = jobOptions(id, attempts, backoff, this.#options);
    const entry: Entry = { id, job, data, opts, added: false, dropped: false };
    job.owner = id;
    this.#entries.set(id, entry);
    this.#queued++;
    this.#add(entry);
  }

  protected dequeue(job: Job): void {
    const entry = this.#release(job);
    if (entry !== undefined) this.#remove(entry);
  }

  protected interrupt(job: Job, reason: Error): void {
    const entry = this.#entries.get(job.owner as string);
    this.#release(job);
    this.jobRejected(job, reason);
    if (entry !== undefined) this.#redis.abort(entry.id);
  }

  /** Removes (here and in Redis) and returns every job no worker has taken. */
  protected takeQueued(): Job[] {
    const jobs: Job[] = [];
    for (const entry of [...this.#entries.values()]) {
      if (entry.job.state !== JobState.Queued) continue;
      jobs.push(entry.job);
      this.dequeue(entry.job);
    }
    return jobs;
  }

  protected drained(): Promise<void> {
    this.#drainingSince ??= performance.now();
    if (this.#entries.size === 0) return Promise.resolve();
    // An outage is waited out while the executor runs; shutting down, only for connectTimeoutMs.
    this.#redis.giveUpIfUnreachable(this.#options.connectTimeoutMs, (error) => this.#giveUp(error));
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  protected close(): Promise<void> {
    return this.#redis.close();
  }

  // ---- internals ----------------------------------------------------------------------

  /** A call's attempts and backoff: its own options over the executor's. */
  #retryOf(call: QueueRetryOptions | undefined) {
    const { retries, backoff } = call ?? {};
    return {
      attempts: retries === undefined ? this.#options.attempts : checkRetries(retries) + 1,
      backoff: backoff === undefined ? this.#options.backoff : checkBackoff(backoff),
    };
  }

  #add(entry: Entry, attempt = 0): void {
    this.#redis.watch(entry.id);
    // Cancelled while Redis was not ready yet: nothing to add.
    this.#redis
      .add(entry.id, entry.data, entry.opts, () => !entry.dropped)
      .then(
        (sent) => {
          if (!sent) return;
          entry.added = true;
          if (entry.dropped) this.#remove(entry);
        },
        (error: unknown) => {
          if (entry.dropped) return;
          const cause = error instanceof Error ? error : new Error(String(error));
          // A cluster fails commands while the slot's master is down; one server's client
          // would have queued them. Wait for it the same way: the job is kept, and tried
          // again until it is added or the task is cancelled, timed out or given up.
          if (
            isRedisUnavailable(cause) &&
            this.#entries.get(entry.id) === entry &&
            !this.#waitedOutShutdown()
          ) {
            entry.retry = setTimeout(() => {
              entry.retry = undefined;
              if (this.#entries.get(entry.id) === entry) this.#add(entry, attempt + 1);
            }, unavailableRetryMs(attempt));
            return;
          }
          this.#settle(entry, {
            ok: false,
            error: new QueueBackendError(
              `${redisSubject(this.#options.redis)} refused job ${entry.id}: ${cause.message}`,
              { cause },
            ),
          });
        },
      );
  }

  /** shutdown() has waited connectTimeoutMs for Redis: adds that fail now are final. */
  #waitedOutShutdown(): boolean {
    const since = this.#drainingSince;
    return since !== undefined && performance.now() - since >= this.#options.connectTimeoutMs;
  }

  #remove(entry: Entry): void {
    if (!entry.added) return;
    // false: a worker holds the job. If it has not started, the start handshake refuses it;
    // if it runs (it is being interrupted), the abort stops it.
    this.#redis.remove(entry.id).then(
      (removed) => {
        if (!removed) this.#redis.abort(entry.id);
      },
      () => {},
    );
  }

  /** Stops following a job: the executor no longer waits for it. */
  #release(job: Job): Entry | undefined {
    const id = job.owner as string | undefined;
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(entry.id);
    this.#redis.forget(entry.id);
    entry.dropped = true;
    clearTimeout(entry.retry);
    if (job.state === JobState.Running) this.#running--;
    else this.#queued--;
    this.#checkIdle();
    return entry;
  }

  /** Redis was not reached in time: settle every task so far, and refuse later ones. */
  #giveUp(error: QueueBackendError): void {
    this.#broken = error;
    for (const entry of [...this.#entries.values()]) this.#settle(entry, { ok: false, error });
  }

  /** A worker asks whether it may run a job it took: yes while the executor still wants it. */
  #mayStart(id: string): boolean {
    if (!this.#entries.has(id)) return false;
    this.#started(id);
    return true;
  }

  #started(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.job.state !== JobState.Queued) return;
    this.#queued--;
    this.#running++;
    this.jobStarted(entry.job);
  }

  #completed(id: string, returnvalue: unknown): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#started(id);
    const outcome = completedOutcome(this.#options.codec, id, returnvalue);
    if (outcome.ok && outcome.runMs !== undefined) entry.job.runMs = outcome.runMs;
    this.#settle(entry, outcome);
  }

  #failed(id: string, stacktrace: string[] | null, reason: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#started(id);
    // The same root as the job's TaskIdentity, so the worker's module names map back here.
    const root = this.#options.tasksRoot ?? dirname(fileURLToPath(entry.job.task.moduleUrl));
    const outcome = failedOutcome(this.#options.codec, entry.job.mode, stacktrace, reason, {
      moduleUrls: moduleUrlsUnder(root),
    });
    this.#settle(entry, outcome);
  }

  // The job vanished without a result (Redis lost its data): add it again. At least once.
  #lost(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.added = false;
    this.#add(entry);
  }

  #settle(entry: Entry, outcome: JobOutcome): void {
    if (this.#entries.get(entry.id) !== entry) return;
    const job = entry.job;
    this.#release(job);
    if (outcome.ok) this.jobFulfilled(job, outcome.value);
    else this.jobRejected(job, outcome.error);
  }

  #checkIdle(): void {
    if (this.#entries.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

/**
 * A codec names a chunk's items by their place in the chunk (`items[0]`): the error also
 * says where the chunk starts in the map's input.
 */
function inChunk(error: unknown, job: Job): unknown {
  if (!(error instanceof DataCloneError) || job.first === 0) return error;
  return new DataCloneError(
    `${error.message} (\`items\` is the chunk that starts at item ${job.first} of the map's input)`,
    { cause: error },
  );
}
