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
  #events: QueueEvents | undefined;
  /**
   * Ids being watched, and whether queue.add() has confirmed them. A worker can take
   * a job before add() resolves, so events count from the start; only a confirmed
   * job that is missing from Redis counts as lost.
   */
  readonly #ids = new Map<string, boolean>();
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
    this.#ready = this.#start(queueName, prefix);
    this.#ready.catch(() => {});
    this.#timer = setInterval(() => this.reconcile(), reconcileIntervalMs);
  }

  // QueueEvents starts from '$', the stream's end when its first XREAD arrives, which
  // can be after a job added meanwhile has started. Starting from the server's
  // clock now loses nothing that happens after ready resolves.
  async #start(queueName: string, prefix: string): Promise<void> {
    const [seconds, micros] = await this.#client.time();
    if (this.#closed) throw new Error('The results listener was closed before it connected');
    const events = new QueueEvents(queueName, {
      connection: this.#client,
      prefix,
      autorun: true,
      lastEventId: `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`,
    });
    this.#events = events;
    events.on('error', (error: Error) => {
      this.#lastError = error;
    });
    events.on('active', ({ jobId }) => {
      if (this.#ids.has(jobId)) this.#sink.started(jobId);
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      if (this.#ids.delete(jobId)) this.#sink.completed(jobId, returnvalue);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      if (this.#ids.has(jobId)) void this.#fetchFailure(jobId, failedReason);
    });
    await events.waitUntilReady();
  }

  /** Resolves once the event stream is being read: add jobs only after this. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Starts watching a job that is about to be added. */
  track(id: string): void {
    this.#ids.set(id, false);
  }

  /** Its queue.add() resolved: from now on, missing from Redis means lost. */
  confirm(id: string): void {
    if (this.#ids.has(id)) this.#ids.set(id, true);
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
    // Disconnect first: with Redis unreachable, a graceful close would wait for ever.
    this.#client.disconnect();
    await this.#events?.close().catch(() => {});
    await this.#reconciling;
  }

  async #reconcileAll(): Promise<void> {
    const ids = [...this.#ids.keys()];
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
            if (this.#ids.get(id) === true && this.#ids.delete(id)) this.#sink.lost(id);
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
