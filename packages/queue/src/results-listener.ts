import { QueueEvents } from 'bullmq';
import type { RedisClientOptions } from './connection.ts';
import { readJobSnapshots } from './job-snapshots.ts';
import { openRedis, type RedisClient } from './redis-client.ts';
import { StreamWatch } from './stream-position.ts';

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

/** Jobs read per pipeline in a re-check: bounds the reply held in memory at once. */
const BATCH = 1000;

/**
 * How long one read of the event stream blocks in Redis (BullMQ's default: 10 s). BullMQ
 * arms a timer of this plus 1 s per read, which a dead Redis never clears: it held a
 * program's exit for up to 11 s after shutdown() had settled. An idle executor now reads
 * every 2 s (0.5 commands a second) and exits within 3 s.
 */
const READ_BLOCK_MS = 2000;

/** A QueueEvents that remembers the id of the last entry it read, whatever its event. */
class EventReader extends QueueEvents {
  lastRead = '0-0';

  override emit(event: string, ...args: unknown[]): boolean {
    const id = event === 'drained' ? args[0] : args[1];
    if (typeof id === 'string') this.lastRead = id;
    return super.emit(event as 'error', ...(args as [Error]));
  }
}

/**
 * One QueueEvents stream reader per executor and a set of job ids: every result
 * comes through here, never through one listener per job. The event stream alone
 * can miss a result (Redis restarted, the stream was trimmed, the connection
 * dropped at the wrong moment), so after every reconnect, and on a slow timer when
 * the stream shows it may have lost an entry not read yet, it also reads the state
 * of every job still pending, and nothing stays pending.
 */
export class ResultsListener {
  readonly #prefix: string;
  readonly #queueName: string;
  /** Reads job hashes in a re-check (the executor's command connection). */
  readonly #reader: RedisClient;
  readonly #sink: ResultSink;
  readonly #client: RedisClient;
  #events: EventReader | undefined;
  /** Something may have been missed since the last full re-check: the next tick does one. */
  #missed = false;
  readonly #stream: StreamWatch;
  readonly #ids = new Map<string, boolean>();
  readonly #ready: Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> | undefined;
  #again: 'no' | 'check' | 'full' = 'no';
  #closed = false;
  #wasReady = false;
  #lastError: Error | undefined;

  constructor(
    queueName: string,
    prefix: string,
    redis: RedisClientOptions,
    reader: RedisClient,
    sink: ResultSink,
    reconcileIntervalMs: number,
  ) {
    this.#prefix = prefix;
    this.#queueName = queueName;
    this.#reader = reader;
    this.#stream = new StreamWatch(reader, `${prefix}:${queueName}:events`);
    this.#sink = sink;
    this.#client = openRedis(redis, `concur:events:${queueName}`);
    this.#client.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.#client.on('ready', () => {
      if (this.#wasReady) this.reconcile('full');
      this.#wasReady = true;
    });
    this.#ready = this.#start(queueName, prefix);
    this.#ready.catch(() => {});
    this.#timer = setInterval(() => this.reconcile('check'), reconcileIntervalMs);
  }

  // QueueEvents starts from '$', the stream's end when its first XREAD arrives, which
  // can be after a job added meanwhile has started. Starting from the server's
  // clock now loses nothing that happens after ready resolves.
  async #start(queueName: string, prefix: string): Promise<void> {
    const [seconds, micros] = await this.#client.time();
    if (this.#closed) throw new Error('The results listener was closed before it connected');
    const start = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`;
    const events = new EventReader(queueName, {
      connection: this.#client,
      prefix,
      autorun: true,
      lastEventId: start,
      blockingTimeout: READ_BLOCK_MS,
    });
    events.lastRead = start;
    this.#events = events;
    events.on('error', (error: Error) => {
      this.#lastError = error;
      this.#missed = true;
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

  /**
   * `full`: reads the state of every watched job and reports what the stream may have
   * missed. `check`: the same, only if the stream may have lost an entry not read yet
   * (one XINFO); otherwise it sends nothing else.
   */
  reconcile(how: 'check' | 'full' = 'full'): void {
    if (how === 'full') this.#missed = true;
    if (this.#closed || this.#ids.size === 0) return;
    if (this.#reconciling !== undefined) {
      if (this.#again !== 'full') this.#again = how;
      return;
    }
    this.#reconciling = this.#reconcileIfMissed()
      .catch((error: Error) => {
        this.#lastError = error;
        this.#missed = true;
      })
      .finally(() => {
        this.#reconciling = undefined;
        const again = this.#again;
        this.#again = 'no';
        if (again !== 'no') this.reconcile(again);
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

  async #reconcileIfMissed(): Promise<void> {
    const events = this.#events;
    // Not reading yet: the first read starts at the server's clock and misses nothing.
    if (events === undefined) return;
    const lost = await this.#stream.lostUnread(events.lastRead);
    if (!this.#missed && !lost) return;
    // Cleared before reading: whatever goes missing during the read is caught next time.
    this.#missed = false;
    this.#stream.coverGone();
    await this.#reconcileAll();
  }

  async #reconcileAll(): Promise<void> {
    const ids = [...this.#ids.keys()];
    for (let i = 0; i < ids.length && !this.#closed; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const snapshots = await readJobSnapshots(this.#reader, this.#prefix, this.#queueName, batch);
      for (let k = 0; k < batch.length; k++) {
        const id = batch[k]!;
        const job = snapshots[k]!;
        if (!this.#ids.has(id)) continue;
        switch (job.state) {
          case 'started':
            this.#sink.started(id);
            break;
          case 'completed':
            this.#ids.delete(id);
            this.#sink.completed(id, job.returnvalue);
            break;
          case 'failed':
            this.#ids.delete(id);
            this.#sink.failed(id, job.stacktrace, job.failedReason);
            break;
          case 'missing':
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
      const [job] = await readJobSnapshots(this.#reader, this.#prefix, this.#queueName, [id]);
      if (job?.state === 'failed') {
        stacktrace = job.stacktrace;
        reason = job.failedReason || reason;
      }
    } catch (error) {
      this.#lastError = error as Error;
    }
    if (this.#ids.delete(id)) this.#sink.failed(id, stacktrace, reason);
  }
}
