import { type JobsOptions, Queue } from 'bullmq';
import { QueueBackendError } from 'concur';
import { AddPacer } from './add-pacer.ts';
import { redisObject, redisSubject } from './connection.ts';
import { Heartbeat } from './heartbeat.ts';
import {
  abortChannel,
  aliveKey,
  closedKey,
  jobName,
  type QueueJobData,
  startChannel,
} from './job-data.ts';
import type { ResolvedQueueOptions } from './queue-options.ts';
import { checkTopology, openRedis, type RedisClient } from './redis-client.ts';
import { type ResultSink, ResultsListener } from './results-listener.ts';
import { ShardPublisher } from './shard-channel.ts';
import { StartGate } from './start-gate.ts';
import { within } from './within.ts';

/** How long close() waits for Redis in all (pending removals, the closed key, the connections). */
export const CLOSE_GRACE_MS = 5000;

/** Least time each connection gets to close, even past CLOSE_GRACE_MS. */
const CLOSE_STEP_MS = 100;

/** How long a shut-down executor's closed key stays: longer than a job of it is likely to wait. */
const CLOSED_KEY_TTL_S = 86_400;

/** What the executor hears back: results, start requests, and a Redis that never answered. */
export interface ExecutorRedisSink extends ResultSink {
  /** A worker asks whether job `id` may start: true marks it running. */
  mayStart(id: string): boolean;
  /** Redis was not reached within connectTimeoutMs. */
  unreachable(error: QueueBackendError): void;
}

/**
 * Everything a QueueExecutor says to and hears from Redis, on its connections:
 * adding, removing and aborting jobs, results (ResultsListener), the start
 * handshake (StartGate), its sign of life (Heartbeat), the connect timeout, and a
 * close() that settles whatever Redis's state. The executor keeps the bookkeeping.
 */
export class ExecutorRedis {
  readonly #options: ResolvedQueueOptions;
  /** This executor's id: job ids start with it; workers ask it on its start channel. */
  readonly #from: string;
  readonly #client: RedisClient;
  readonly #queue: Queue;
  readonly #listener: ResultsListener;
  readonly #gate: StartGate;
  readonly #publisher: ShardPublisher;
  readonly #heartbeat: Heartbeat;
  readonly #pending = new Set<Promise<void>>();
  readonly #pacer = new AddPacer();
  /** The results listener and the start gate are connected: jobs are added only then. */
  readonly ready: Promise<void>;
  #connectTimer: NodeJS.Timeout | undefined;
  #lastError: Error | undefined;
  #disconnected = false;
  /** ready resolved: there may be something in Redis to finish or clean up. */
  #connected = false;
  /** A job was sent to Redis at least once. */
  #sentAny = false;
  #liveWorkers = 0;
  /** Stops watching for an outage during shutdown (see giveUpIfUnreachable). */
  #outage: (() => void) | undefined;
  /** Shutting down, Redis stayed away for connectTimeoutMs: close() waits for it no more. */
  #gaveUp = false;
  #workersAskedAt = Number.NEGATIVE_INFINITY;

  constructor(options: ResolvedQueueOptions, from: string, sink: ExecutorRedisSink) {
    this.#options = options;
    this.#from = from;
    const { redis, queue, prefix } = options;
    this.#client = openRedis(redis, `concur:executor:${queue}`);
    this.#client.on('error', (error: Error) => {
      // ioredis reconnects by itself; the error is kept for the connect timeout's message.
      this.#lastError = error;
    });
    this.#queue = new Queue(queue, { connection: this.#client, prefix });
    this.#queue.on('error', () => {});
    this.#listener = new ResultsListener(
      queue,
      prefix,
      redis,
      this.#client,
      sink,
      options.reconcileIntervalMs,
    );
    this.#gate = new StartGate(redis, startChannel(prefix, queue, from), (id) => sink.mayStart(id));
    this.#publisher = new ShardPublisher(this.#client);
    this.#heartbeat = new Heartbeat(
      this.#client,
      aliveKey(prefix, queue, from),
      options.heartbeatMs,
    );
    // The topology's refusal first: on the wrong one, the others fail less clearly (CROSSSLOT).
    this.ready = checkTopology(this.#client, redis)
      .then(() => Promise.all([this.#listener.ready, this.#gate.ready]))
      .then(() => {});
    this.#connectTimer = setTimeout(() => {
      // No job reached Redis, so no worker needs this executor's sign of life.
      this.#heartbeat.stop();
      sink.unreachable(this.#unreachable('within', options.connectTimeoutMs, ''));
    }, options.connectTimeoutMs);
    this.ready.then(
      () => {
        this.#connected = true;
        clearTimeout(this.#connectTimer);
        this.#countWorkers();
      },
      (error: unknown) => {
        clearTimeout(this.#connectTimer);
        // The wrong topology: refuse every task at once, with what to set.
        if (error instanceof QueueBackendError) {
          this.#heartbeat.stop();
          sink.unreachable(error);
        }
      },
    );
  }

  /** Starts watching job `id` for results; from now on its events count. */
  watch(id: string): void {
    this.#listener.track(id);
  }

  /** Stops watching job `id`. */
  forget(id: string): void {
    this.#listener.forget(id);
  }

  /**
   * Adds a job once Redis is ready, unless `wanted()` has turned false by then.
   * Resolves whether it was sent; rejects with Redis's refusal.
   */
  add(id: string, data: QueueJobData, opts: JobsOptions, wanted: () => boolean): Promise<boolean> {
    return this.ready
      .then(() => new Promise<void>((resolve) => this.#pacer.run(resolve)))
      .then(async () => {
        if (!wanted()) return false;
        this.#sentAny = true;
        const adding = this.#queue.add(jobName(data.task), data, opts);
        this.#track(adding);
        await adding;
        this.#listener.confirm(id);
        return true;
      });
  }

  /** Removes a job no worker holds; resolves false if a worker holds it. */
  remove(id: string): Promise<boolean> {
    const removing = this.#queue.remove(id).then((removed) => removed !== 0);
    this.#track(removing);
    return removing;
  }

  /** Asks every worker to abort this job, running or about to run. */
  abort(id: string): void {
    if (this.#disconnected) return;
    this.#track(
      this.#publisher.publish(abortChannel(this.#options.prefix, this.#options.queue), id),
    );
  }

  /**
   * Worker connections BullMQ lists on the queue. Synchronous for stats(): returns
   * the last count and asks Redis for a fresh one at most once a second.
   */
  liveWorkers(): number {
    if (performance.now() - this.#workersAskedAt > 1000) this.#countWorkers();
    return this.#liveWorkers;
  }

  /**
   * While the executor shuts down: if Redis stays unreachable for `ms` (the connect
   * timeout), calls `gone` once, so that the tasks still pending settle instead of
   * waiting for a Redis that may never come back. A reconnect within `ms` disarms it.
   */
  giveUpIfUnreachable(ms: number, gone: (error: QueueBackendError) => void): void {
    if (this.#outage !== undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = () => {
      this.#outage?.();
      this.#gaveUp = true;
      gone(this.#unreachable('has not answered for', ms, 'while the executor was shutting down'));
    };
    const arm = () => {
      timer ??= setTimeout(giveUp, ms);
    };
    const disarm = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    // A server that is stopped (SIGSTOP) or cut off without a reset keeps the connection
    // open and 'ready': only an answer tells. While connected, it is pinged; no answer for
    // `ms` is an outage too.
    let heard = performance.now();
    const probe = setInterval(
      () => {
        if (this.#client.status !== 'ready') return;
        this.#client.ping().then(
          () => {
            heard = performance.now();
          },
          () => {},
        );
        if (timer === undefined && performance.now() - heard >= ms) giveUp();
      },
      Math.max(10, Math.min(1000, ms / 4)),
    );
    probe.unref();
    const reconnected = () => {
      disarm();
      heard = performance.now();
    };
    this.#client.on('close', arm);
    this.#client.on('ready', reconnected);
    this.#outage = () => {
      disarm();
      clearInterval(probe);
      this.#client.off('close', arm);
      this.#client.off('ready', reconnected);
    };
    if (this.#client.status !== 'ready') arm();
  }

  /**
   * Leaves a closed key for workers still holding one of this executor's jobs (they
   * drop it at once), then disconnects. Settles within CLOSE_GRACE_MS plus twice
   * CLOSE_STEP_MS whatever the state of Redis, and within 2 x CLOSE_STEP_MS when it
   * never connected or was given up on: an unreachable Redis is simply dropped.
   */
  async close(): Promise<void> {
    // Never connected: nothing of ours is in Redis, and a command sent now would wait
    // for a connection that may never come. Nothing to wait for.
    // Given up on during shutdown: it was waited for already (connectTimeoutMs).
    const deadline = performance.now() + (this.#connected && !this.#gaveUp ? CLOSE_GRACE_MS : 0);
    const left = () => Math.max(0, deadline - performance.now());
    clearTimeout(this.#connectTimer);
    this.#outage?.();
    this.#heartbeat.stop();
    while (this.#pending.size > 0 && left() > 0) {
      await within(Promise.allSettled([...this.#pending]), left());
    }
    if (this.#sentAny) {
      const { prefix, queue } = this.#options;
      await within(
        this.#client
          .multi()
          .set(closedKey(prefix, queue, this.#from), '1', 'EX', CLOSED_KEY_TTL_S)
          .del(aliveKey(prefix, queue, this.#from))
          .exec(),
        left(),
      );
    }
    this.#disconnected = true;
    this.#gate.close();
    this.#client.disconnect();
    // Both wait on connections that may never have opened: bounded, never for ever.
    await within(this.#listener.close(), Math.max(left(), CLOSE_STEP_MS));
    await within(
      this.#queue.close().catch(() => {}),
      Math.max(left(), CLOSE_STEP_MS),
    );
  }

  /** `Could not reach Redis at ... within 10000 ms`, or `... has not answered for ...`. */
  #unreachable(
    how: 'within' | 'has not answered for',
    ms: number,
    when: string,
  ): QueueBackendError {
    const last = this.#lastError ?? this.#listener.lastError;
    const what =
      how === 'within'
        ? `Could not reach ${redisObject(this.#options.redis)} within ${ms} ms`
        : `${redisSubject(this.#options.redis)} has not answered for ${ms} ms ${when}, so the task is given up (it may still run on a worker)`;
    // Sentinels that answer but know no master of that name: the name is wrong, not the server.
    const advice = /no such master with that name/i.test(last?.message ?? '')
      ? "Check the connection's `name`: it must be a master name the sentinels monitor (`sentinel monitor NAME ...` in their config)"
      : 'Start redis-server there, check the connection (host, port, password, TLS), or raise connectTimeoutMs';
    return new QueueBackendError(
      `${what}${last === undefined ? '' : ` (last error: ${last.message})`}. ${advice}`,
      last === undefined ? undefined : { cause: last },
    );
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

  #track(op: Promise<unknown>): void {
    const settled = op.then(
      () => {},
      () => {},
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }
}
