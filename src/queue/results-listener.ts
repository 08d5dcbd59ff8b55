import { Job as BullJob, type Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisClientOptions } from './connection.ts';

/** What the listener reports, by BullMQ job id; ids it does not track are ignored. */
export interface ResultSink {
  /** The job was taken by a worker. */
  started(id: string): void;
  /** `returnvalue` is what the worker returned (the codec's text). */
  completed(id: string, returnvalue: unknown): void;
  /** The job failed for good (after its retries); stacktrace and failedReason as BullMQ stored them. */
  failed(id: string, stacktrace: string[] | null, failedReason: string): void;
  /** The job is gone from Redis without a result (Redis restarted without persistence). */
  lost(id: string): void;
}

const BATCH = 200;

/**
 * One QueueEvents stream reader per executor and a set of job ids: every result
 * comes through here, never through one listener per job. The event stream alone
 * can miss a result (Redis restarted, the stream was trimmed, the connection
 * dropped at the wrong moment), so after every reconnect and on a slow timer it
 * also reads the state of every job still pending, and nothing stays pending.
 */
export class ResultsListener {
  readonly #queue: Queue;
  readonly #sink: ResultSink;
  readonly #client: Redis;
  readonly #events: QueueEvents;
  /** Ids whose job has been added to Redis and has not settled. */
  readonly #ids = new Set<string>();
  readonly #ready: Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #wasReady = false;
  #lastError: Error | undefined;

  constructor(
    queueName: string,
    prefix: string,
    redis: RedisClientOptions,
    queue: Queue,
    sink: ResultSink,
    reconcileIntervalMs: number,
  ) {
    this.#queue = queue;
    this.#sink = sink;
    this.#client = new Redis({ ...redis, connectionName: `concur:events:${queueName}` });
    this.#client.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.#client.on('ready', () => {
      if (this.#wasReady) this.reconcile();
      this.#wasReady = true;
    });
    this.#events = new QueueEvents(queueName, {
      connection: this.#client,
      prefix,
      autorun: true,
    });
    this.#events.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.#events.on('active', ({ jobId }) => {
      if (this.#ids.has(jobId)) this.#sink.started(jobId);
    });
    this.#events.on('completed', ({ jobId, returnvalue }) => {
      if (this.#ids.delete(jobId)) this.#sink.completed(jobId, returnvalue);
    });
    this.#events.on('failed', ({ jobId, failedReason }) => {
      if (this.#ids.has(jobId)) void this.#fetchFailure(jobId, failedReason);
    });
    this.#ready = this.#events.waitUntilReady().then(() => undefined);
    this.#ready.catch(() => {});
    this.#timer = setInterval(() => this.reconcile(), reconcileIntervalMs);
  }

  /** Resolves once the event stream is being read: add jobs only after this. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Starts watching a job that has just been added. */
  track(id: string): void {
    this.#ids.add(id);
  }

  /** Stops watching (cancelled, aborted, settled elsewhere). */
  forget(id: string): void {
    this.#ids.delete(id);
  }

  /** Reads the state of every watched job and reports what the stream may have missed. */
  reconcile(): void {
    if (this.#closed || this.#ids.size === 0) return;
    if (this.#reconciling !== undefined) {
      this.#again = true;
      return;
    }
    this.#reconciling = this.#reconcileAll()
      .catch((error: Error) => {
        this.#lastError = error;
      })
      .finally(() => {
        this.#reconciling = undefined;
        if (this.#again) {
          this.#again = false;
          this.reconcile();
        }
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#reconciling;
    await this.#events.close().catch(() => {});
    this.#client.disconnect();
  }

  async #reconcileAll(): Promise<void> {
    const ids = [...this.#ids];
    for (let i = 0; i < ids.length && !this.#closed; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const states = await Promise.all(batch.map((id) => this.#queue.getJobState(id)));
      for (let k = 0; k < batch.length; k++) {
        const id = batch[k]!;
        if (!this.#ids.has(id)) continue;
        switch (states[k]) {
          case 'active':
            this.#sink.started(id);
            break;
          case 'completed': {
            const job = await BullJob.fromId(this.#queue, id);
            if (job !== undefined && this.#ids.delete(id))
              this.#sink.completed(id, job.returnvalue);
            break;
          }
          case 'failed':
            await this.#fetchFailure(id, '');
            break;
          case 'unknown':
            if (this.#ids.delete(id)) this.#sink.lost(id);
            break;
          default:
            break;
        }
      }
    }
  }

  async #fetchFailure(id: string, failedReason: string): Promise<void> {
    let stacktrace: string[] | null = null;
    let reason = failedReason;
    try {
      const job = await BullJob.fromId(this.#queue, id);
      if (job !== undefined) {
        stacktrace = job.stacktrace;
        reason = job.failedReason || reason;
      }
    } catch (error) {
      this.#lastError = error as Error;
    }
    if (this.#ids.delete(id)) this.#sink.failed(id, stacktrace, reason);
  }
}
