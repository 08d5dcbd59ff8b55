import {
  checkInteger,
  checkKnownKeys,
  checkLimit,
  checkNonNegative,
  checkObject,
  checkOneOf,
  invalid,
} from 'concur/backend';
import {
  parseConnection,
  type QueueConnection,
  type RedisClientOptions,
  topologyOf,
} from './connection.ts';
import { isJobCodec, type JobCodec, jsonCodec } from './job-codec.ts';

/** How long to wait before retry n (1-based): `fixed` waits delayMs each time, `exponential` delayMs x 2^(n-1). */
export interface QueueBackoff {
  /** `fixed` or `exponential`. */
  type: 'fixed' | 'exponential';
  /** The first delay, in milliseconds. */
  delayMs: number;
}

/** Options that can be given per call (`submitWith`) as well as per executor. */
export interface QueueRetryOptions {
  /** Further attempts after a task throws (a job lost with a dead worker is retried regardless). @default 0 */
  retries?: number;
  /** Wait between attempts. @default { type: 'fixed', delayMs: 0 } */
  backoff?: QueueBackoff;
}

export interface QueueExecutorOptions extends QueueRetryOptions {
  /**
   * Redis: `redis://[user:password@]host:port[/db]`, `rediss://...` for TLS, or
   * `{ host, port, username, password, db, tls }`.
   * @example 'redis://:s3cret@10.0.0.5:6379'
   */
  connection: QueueConnection;
  /** Queue name, shared with the workers (`concur worker --queue NAME`). */
  queue: string;
  /**
   * The folder that corresponds to the workers' `--tasks-root`: a task is named
   * by its module's path relative to it. By default the task module's own folder,
   * so a task in `tasks.ts` is `tasks.ts` and workers run with `--tasks tasks.js`.
   * @default the folder of each task's module
   */
  tasksRoot?: string;
  /** How arguments and results are encoded; the workers need the same one. @default JSON */
  codec?: JobCodec;
  /**
   * How many tasks the workers run at once, for map's default buffersize. A guess
   * is fine: it sizes how much input map reads ahead, nothing else.
   * @default 16
   */
  capacity?: number;
  /** Most tasks waiting for a worker; past it submit() rejects with QueueFullError. @default Infinity */
  maxQueue?: number;
  /** Completed jobs are removed from Redis once older than this. @default 3_600_000 (1 hour) */
  removeCompletedAfterMs?: number;
  /** Failed jobs are removed from Redis once older than this. @default 86_400_000 (1 day) */
  removeFailedAfterMs?: number;
  /**
   * How often the state of pending jobs is read from Redis, in case the event
   * stream missed a result. It is also read after every reconnect.
   * @default 5000
   */
  reconcileIntervalMs?: number;
  /**
   * How long the executor tries to reach Redis at first. Past it, every task submitted so
   * far, and every later one, rejects with QueueBackendError naming the address and
   * Redis's last error. Once connected, an outage is waited out instead: Redis may be
   * restarting.
   * @default 10_000
   */
  connectTimeoutMs?: number;
  /**
   * How often the executor tells Redis it is alive. A worker drops the jobs of an
   * executor whose sign of life has been missing for three beats (at least 5 s): one
   * that died without shutting down, or whose event loop was blocked that long.
   * @default 5000
   */
  heartbeatMs?: number;
  /**
   * Redis key prefix; workers need the same. It may hold one hash tag in braces,
   * `{...}`: then every key of every queue under it lives in one cluster slot. On a
   * cluster connection, a prefix without one is put in braces (`concur` is used as
   * `{concur}`), which BullMQ needs there; give queues prefixes with hash tags of
   * their own (`'{images}'`) to spread them over the cluster's masters.
   * @default 'concur'
   */
  prefix?: string;
}

export interface ResolvedQueueOptions {
  redis: RedisClientOptions;
  queue: string;
  tasksRoot: string | undefined;
  codec: JobCodec;
  capacity: number;
  maxQueue: number;
  attempts: number;
  backoff: QueueBackoff;
  removeCompletedAfterMs: number;
  removeFailedAfterMs: number;
  reconcileIntervalMs: number;
  heartbeatMs: number;
  connectTimeoutMs: number;
  prefix: string;
}

const KEYS = [
  'connection',
  'queue',
  'tasksRoot',
  'codec',
  'capacity',
  'maxQueue',
  'retries',
  'backoff',
  'removeCompletedAfterMs',
  'removeFailedAfterMs',
  'reconcileIntervalMs',
  'heartbeatMs',
  'connectTimeoutMs',
  'prefix',
] as const;

/** The `codec` and `tasksRoot` options an executor and a worker both take. */
export function checkCodecAndRoot(options: { codec?: unknown; tasksRoot?: unknown }): void {
  if (options.codec !== undefined && !isJobCodec(options.codec)) {
    throw invalid(
      'codec',
      'an object with name, encode(value, root) and decode(text)',
      options.codec,
    );
  }
  if (
    options.tasksRoot !== undefined &&
    (typeof options.tasksRoot !== 'string' || options.tasksRoot === '')
  ) {
    throw invalid('tasksRoot', 'a folder path', options.tasksRoot);
  }
}

export function checkQueueName(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,200}$/.test(value)) {
    throw invalid(name, 'a queue name of letters, digits, `_`, `.` and `-`', value);
  }
  return value;
}

/**
 * The key prefix, checked: letters, digits, `_`, `.` and `-`, with at most one hash tag
 * in braces. On a cluster, a prefix without a hash tag is put in braces: every key of
 * a queue must then hash to one slot, or BullMQ's scripts fail with CROSSSLOT.
 */
export function checkPrefix(name: string, value: unknown, redis: RedisClientOptions): string {
  const prefix = value ?? 'concur';
  if (
    typeof prefix !== 'string' ||
    prefix.length > 52 ||
    !/^[A-Za-z0-9_.-]*(\{[A-Za-z0-9_.-]+\})?[A-Za-z0-9_.-]*$/.test(prefix) ||
    prefix === ''
  ) {
    throw invalid(
      name,
      'a key prefix of letters, digits, `_`, `.` and `-`, with at most one hash tag in braces like `{concur}`',
      prefix,
    );
  }
  return topologyOf(redis) === 'cluster' && !prefix.includes('{') ? `{${prefix}}` : prefix;
}

export function checkBackoff(value: unknown): QueueBackoff {
  checkObject('backoff', value);
  checkKnownKeys('backoff', value as object, ['type', 'delayMs']);
  const b = value as QueueBackoff;
  return {
    type: checkOneOf('backoff.type', b.type, ['fixed', 'exponential'] as const),
    delayMs: checkNonNegative('backoff.delayMs', b.delayMs),
  };
}

export function checkRetries(value: unknown): number {
  return checkInteger('retries', value, 0, 1000);
}

/** Options of the local executors that a queue's workers take instead. */
const WORKER_SIDE = new Set([
  'maxWorkers',
  'minWorkers',
  'concurrency',
  'concurrencyPerWorker',
  'initializer',
  'initArgs',
  'execArgv',
  'resourceLimits',
]);

/** The one place QueueExecutor's defaults are filled in. */
export function resolveQueueOptions(options: QueueExecutorOptions): ResolvedQueueOptions {
  checkObject('options', options);
  checkKnownKeys('QueueExecutor', options, KEYS, (key) =>
    WORKER_SIDE.has(key)
      ? `\`${key}\` belongs to the workers (\`concur worker --workers N --concurrency K\`); QueueExecutor limits the jobs it has in flight with \`capacity\``
      : undefined,
  );
  checkCodecAndRoot(options);
  const redis = parseConnection(options.connection);
  return {
    redis,
    queue: checkQueueName('queue', options.queue),
    tasksRoot: options.tasksRoot,
    codec: options.codec ?? jsonCodec,
    capacity: checkInteger('capacity', options.capacity ?? 16, 1),
    maxQueue: checkLimit('maxQueue', options.maxQueue ?? Number.POSITIVE_INFINITY, 0),
    attempts: checkRetries(options.retries ?? 0) + 1,
    backoff:
      options.backoff === undefined ? { type: 'fixed', delayMs: 0 } : checkBackoff(options.backoff),
    removeCompletedAfterMs: checkInteger(
      'removeCompletedAfterMs',
      options.removeCompletedAfterMs ?? 3_600_000,
      1000,
    ),
    removeFailedAfterMs: checkInteger(
      'removeFailedAfterMs',
      options.removeFailedAfterMs ?? 86_400_000,
      1000,
    ),
    reconcileIntervalMs: checkInteger(
      'reconcileIntervalMs',
      options.reconcileIntervalMs ?? 5000,
      10,
    ),
    heartbeatMs: checkInteger('heartbeatMs', options.heartbeatMs ?? 5000, 50),
    connectTimeoutMs: checkInteger('connectTimeoutMs', options.connectTimeoutMs ?? 10_000, 1),
    prefix: checkPrefix('prefix', options.prefix, redis),
  };
}
