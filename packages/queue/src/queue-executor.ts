import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JobsOptions, Queue } from 'bullmq';
import type { CallOptions, Future, Task } from 'concur';
import { QueueBackendError } from 'concur';
import {
  BaseExecutor,
  checkObject,
  type Job,
  JobMode,
  JobState,
  scanTaskModule,
} from 'concur/backend';
import { Redis } from 'ioredis';
import { describeConnection } from './connection.ts';
import { Heartbeat } from './heartbeat.ts';
import {
  abortChannel,
  aliveKey,
  closedKey,
  encodeJobData,
  jobName,
  jobOptions,
  type QueueJobData,
  startChannel,
} from './job-data.ts';
import { completedOutcome, failedOutcome, type JobOutcome } from './job-outcome.ts';
import {
  checkBackoff,
  checkRetries,
  type QueueBackoff,
  type QueueExecutorOptions,
  type QueueRetryOptions,
  type ResolvedQueueOptions,
  resolveQueueOptions,
} from './queue-options.ts';
import { type ResultSink, ResultsListener } from './results-listener.ts';
import { StartGate } from './start-gate.ts';
import { moduleUrlsUnder } from './task-identity.ts';
import { within } from './within.ts';

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
}

let executorCount = 0;

/**
 * Work per automatic map chunk. A job's trip through Redis (add, take, start
 * handshake, result) costs milliseconds, not the tens of microseconds of a thread
 * message: 13.7 ms per sequential submit measured on 2 loaded cores. With the
 * pools' 2 ms chunks a 100,000-item map took 32 s; with full chunks, 1.5 s.
 */
const CHUNK_TARGET_MS = 50;

/** How long shutdown waits for job removals still on their way to Redis. */
const CLOSE_GRACE_MS = 5000;

/** How long a shut-down executor's closed key stays: longer than a job of it is likely to wait. */
const CLOSED_KEY_TTL_S = 86_400;

/**
 * Runs tasks on `concur worker` processes, on this machine or others, through a
 * BullMQ queue on Redis. Same interface as every other executor; delivery is at
 * least once (a task may run again after a worker dies or Redis restarts), so
 * tasks should be idempotent.
 */
export class QueueExecutor extends BaseExecutor {
  readonly kind = 'queue' as const;
  readonly batchesItems = true;
  readonly #options: ResolvedQueueOptions;
  readonly #client: Redis;
  readonly #queue: Queue;
  readonly #listener: ResultsListener;
  readonly #gate: StartGate;
  readonly #heartbeat: Heartbeat;
  /** Both the results listener and the start gate are connected: jobs are added only then. */
  readonly #ready: Promise<void>;
  readonly #entries = new Map<string, Entry>();
  readonly #prefix: string;
  #seq = 0;
  #queued = 0;
  #running = 0;
  #liveWorkers = 0;
  #workersAskedAt = Number.NEGATIVE_INFINITY;
  #disconnected = false;
  /** A job was sent to Redis at least once. */
  #sentAny = false;
  #idleWaiters: (() => void)[] = [];
  #pendingOps = new Set<Promise<unknown>>();
  #nextCall: { attempts: number; backoff: QueueBackoff } | undefined;
  /** Redis was not reached within connectTimeoutMs: every task is refused with this. */
  #broken: QueueBackendError | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #lastRedisError: Error | undefined;

  constructor(options: QueueExecutorOptions) {
    const resolved = resolveQueueOptions(options);
    super(resolved.maxQueue);
    this.#options = resolved;
    // Ids must be unique across every executor that ever used this queue.
    this.#prefix = `${process.pid.toString(36)}${Date.now().toString(36)}${(executorCount++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this.#client = new Redis({
      ...resolved.redis,
      connectionName: `concur:executor:${resolved.queue}`,
    });
    this.#client.on('error', (error: Error) => {
      // ioredis reconnects by itself; the error is kept for the connect timeout's message.
      this.#lastRedisError = error;
    });
    this.#queue = new Queue(resolved.queue, { connection: this.#client, prefix: resolved.prefix });
    this.#queue.on('error', () => {});
    const sink: ResultSink = {
      started: (id) => this.#started(id),
      completed: (id, value) => this.#completed(id, value),
      failed: (id, stacktrace, reason) => this.#failed(id, stacktrace, reason),
      lost: (id) => this.#lost(id),
    };
    this.#listener = new ResultsListener(
      resolved.queue,
      resolved.prefix,
      resolved.redis,
      this.#queue,
      sink,
      resolved.reconcileIntervalMs,
    );
    this.#gate = new StartGate(
      resolved.redis,
      startChannel(resolved.prefix, resolved.queue, this.#prefix),
      this.#client,
      (id) => this.#mayStart(id),
    );
    this.#heartbeat = new Heartbeat(
      this.#client,
      aliveKey(resolved.prefix, resolved.queue, this.#prefix),
      resolved.heartbeatMs,
    );
    this.#ready = Promise.all([this.#listener.ready, this.#gate.ready]).then(() => {});
    this.#connectTimer = setTimeout(() => this.#giveUp(), resolved.connectTimeoutMs);
    this.#ready.then(
      () => {
        clearTimeout(this.#connectTimer);
        this.#countWorkers();
      },
      () => clearTimeout(this.#connectTimer),
    );
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

  /** Resolves once the executor is connected to Redis and listening for results. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** `submit` with per-call options: signal, timeoutMs, and this executor's retries and backoff. */
  override submitWith<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: QueueCallOptions,
  ): Future<Awaited<R>> {
    checkObject('options', options);
    const { retries, backoff, ...rest } = options;
    this.#nextCall = {
      attempts: retries === undefined ? this.#options.attempts : checkRetries(retries) + 1,
      backoff: backoff === undefined ? this.#options.backoff : checkBackoff(backoff),
    };
    try {
      return super.submitWith(task, args, rest);
    } finally {
      this.#nextCall = undefined;
    }
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
  /**
   * Worker connections BullMQ lists on the queue. stats() is synchronous, so this
   * returns the last count and asks Redis for a fresh one at most once a second.
   */
  protected get liveWorkers(): number {
    if (performance.now() - this.#workersAskedAt > 1000) this.#countWorkers();
    return this.#liveWorkers;
  }

  #countWorkers(): void {
    if (this.#disconnected) return;
    this.#workersAskedAt = performance.now();
    this.#queue.getWorkersCount().then(
      (count) => {
        this.#liveWorkers = count;
      },
      () => {},
    );
  }

  protected enqueue(job: Job): void {
    const call = this.#nextCall;
    this.#nextCall = undefined;
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
        this.#prefix,
        this.#options.heartbeatMs,
      );
    } catch (error) {
      // A chunk's error surfaces from map(); a call's future is rejected before submit returns.
      if (job.mode !== JobMode.Call) throw error;
      this.jobRejected(job, error);
      return;
    }
    scanTaskModule(job.task.moduleUrl);
    const id = `${this.#prefix}-${(++this.#seq).toString(36)}`;
    const opts = jobOptions(
      id,
      call?.attempts ?? this.#options.attempts,
      call?.backoff ?? this.#options.backoff,
      this.#options,
    );
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
    if (entry !== undefined) this.#abort(entry);
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
    if (this.#entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  protected async close(): Promise<void> {
    // Removals of cancelled jobs get a bounded time to reach Redis; with Redis
    // unreachable they would wait for ever, and shutdown must not.
    const deadline = performance.now() + CLOSE_GRACE_MS;
    while (this.#pendingOps.size > 0 && performance.now() < deadline) {
      await within(Promise.allSettled([...this.#pendingOps]), deadline - performance.now());
    }
    // Workers holding one of this executor's jobs (cancelled while they took it) read
    // this and drop the job at once instead of waiting for an answer that never comes.
    clearTimeout(this.#connectTimer);
    this.#heartbeat.stop();
    if (this.#sentAny) {
      const { prefix, queue } = this.#options;
      await within(
        this.#client
          .multi()
          .set(closedKey(prefix, queue, this.#prefix), '1', 'EX', CLOSED_KEY_TTL_S)
          .del(aliveKey(prefix, queue, this.#prefix))
          .exec(),
        Math.max(0, deadline - performance.now()),
      );
    }
    this.#disconnected = true;
    this.#gate.close();
    this.#client.disconnect();
    await this.#listener.close();
    await this.#queue.close().catch(() => {});
  }

  // ---- internals ----------------------------------------------------------------------

  #track(op: Promise<unknown>): void {
    const settled = op.then(
      () => {},
      () => {},
    );
    this.#pendingOps.add(settled);
    void settled.then(() => this.#pendingOps.delete(settled));
  }

  #add(entry: Entry): void {
    this.#listener.track(entry.id);
    // Only adds actually sent are waited for at close: before the listener is
    // ready (Redis unreachable) there is nothing in Redis to clean up.
    const op = this.#ready.then(() => {
      // Cancelled while Redis was not ready yet: nothing to add.
      if (entry.dropped) return false;
      this.#sentAny = true;
      const adding = this.#queue.add(jobName(entry.data.task), entry.data, entry.opts);
      this.#track(adding);
      return adding.then(() => true);
    });
    op.then(
      (sent) => {
        if (!sent) return;
        entry.added = true;
        if (entry.dropped) {
          this.#remove(entry);
          return;
        }
        this.#listener.confirm(entry.id);
      },
      (error: unknown) => {
        if (entry.dropped) return;
        const cause = error instanceof Error ? error : new Error(String(error));
        this.#settle(entry, {
          ok: false,
          error: new QueueBackendError(
            `Redis at ${describeConnection(this.#options.redis)} refused job ${entry.id}: ${cause.message}`,
            { cause },
          ),
        });
      },
    );
  }

  #remove(entry: Entry): void {
    if (!entry.added) return;
    const removing = this.#queue.remove(entry.id).then((removed) => {
      // 0: a worker holds the job. If it has not started, the start handshake refuses it;
      // if it runs (it is being interrupted), the abort stops it.
      if (removed === 0) this.#abort(entry);
    });
    this.#track(removing);
  }

  /** Asks every worker to abort this job, running or about to run. */
  #abort(entry: Entry): void {
    if (this.#disconnected) return;
    this.#track(
      this.#client.publish(abortChannel(this.#options.prefix, this.#options.queue), entry.id),
    );
  }

  /** Stops following a job: the executor no longer waits for it. */
  #release(job: Job): Entry | undefined {
    const id = job.owner as string | undefined;
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(entry.id);
    this.#listener.forget(entry.id);
    entry.dropped = true;
    if (job.state === JobState.Running) this.#running--;
    else this.#queued--;
    this.#checkIdle();
    return entry;
  }

  /** Redis was not reached in time: settle every task so far, and refuse later ones. */
  #giveUp(): void {
    const last = this.#lastRedisError ?? this.#listener.lastError;
    this.#broken = new QueueBackendError(
      `Could not reach Redis at ${describeConnection(this.#options.redis)} within ` +
        `${this.#options.connectTimeoutMs} ms${last === undefined ? '' : ` (last error: ${last.message})`}. ` +
        'Start redis-server there, check the connection (host, port, password, TLS), or raise connectTimeoutMs',
      last === undefined ? undefined : { cause: last },
    );
    // No job of this executor reached Redis, so no worker needs its sign of life.
    this.#heartbeat.stop();
    for (const entry of [...this.#entries.values()]) {
      this.#settle(entry, { ok: false, error: this.#broken });
    }
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
