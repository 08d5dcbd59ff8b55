import { availableParallelism } from 'node:os';
import { checkInteger, checkKnownKeys, checkObject, checkOneOf, invalid } from 'concur/backend';
import { parseConnection, type QueueConnection, type RedisClientOptions } from './connection.ts';
import { type JobCodec, jsonCodec } from './job-codec.ts';
import type { LocalModel } from './local-executor.ts';
import { checkCodecAndRoot, checkPrefix, checkQueueName } from './queue-options.ts';

/** Options of `runQueueWorker()`, the library form of `concur worker`. */
export interface QueueWorkerOptions {
  /** Redis, as for QueueExecutor. */
  connection: QueueConnection;
  /** Queue name, as given to QueueExecutor. */
  queue: string;
  /**
   * The task modules this worker runs, imported once at start: a module file, or a
   * folder's index module (index.js, index.mjs, ... index.ts). Only the tasks they
   * export run; a job can name nothing else, and makes the worker import nothing.
   * @example ['./dist/tasks/images.js', './dist/tasks/reports.js']
   */
  tasks: string | readonly string[];
  /**
   * The folder job module paths are relative to: the executors' `tasksRoot`.
   * @default the folder holding every `tasks` module (a single file's own folder)
   */
  tasksRoot?: string;
  /** The local executor that runs the jobs. @default 'thread' */
  model?: LocalModel;
  /** Threads or processes (ignored for 'async'). @default os.availableParallelism() */
  workers?: number;
  /** Tasks at once in each thread or process; for 'async', in all. @default 1 ('async': 16) */
  concurrency?: number;
  /** Must match the executors'. @default JSON */
  codec?: JobCodec;
  /** Redis key prefix; must match the executors' (see QueueExecutorOptions.prefix). @default 'concur' */
  prefix?: string;
  /** A job whose worker stops renewing its lock for this long counts as stalled. @default 30_000 */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs and hands them to the queue again. @default 30_000 */
  stalledIntervalMs?: number;
  /**
   * On close, how long running jobs get to finish before they are handed back to the
   * queue. close() settles within this plus REDIS_CLOSE_MS, whatever Redis's state.
   * @default 30_000
   */
  graceMs?: number;
  /** Where progress lines go. @default a line on stderr */
  log?: (line: string) => void;
  /** How often to log counts (when they changed); 0 for never. @default 5000 */
  progressIntervalMs?: number;
}

/** The options with every default filled in. */
export interface ResolvedWorkerOptions {
  redis: RedisClientOptions;
  queue: string;
  tasks: readonly string[];
  tasksRoot: string | undefined;
  model: LocalModel;
  workers: number;
  concurrency: number;
  /** Jobs this worker runs at once. */
  capacity: number;
  codec: JobCodec;
  prefix: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  graceMs: number;
  log: (line: string) => void;
  progressIntervalMs: number;
}

const KEYS = [
  'connection',
  'queue',
  'tasks',
  'tasksRoot',
  'model',
  'workers',
  'concurrency',
  'codec',
  'prefix',
  'lockDurationMs',
  'stalledIntervalMs',
  'graceMs',
  'log',
  'progressIntervalMs',
] as const;

function checkPaths(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((path) => typeof path !== 'string' || path === '')
  ) {
    throw invalid('tasks', 'a task module path, or a non-empty array of them', value);
  }
  return Object.freeze([...(list as string[])]);
}

/** The one place runQueueWorker's defaults are filled in. */
export function resolveWorkerOptions(options: QueueWorkerOptions): ResolvedWorkerOptions {
  checkObject('options', options);
  checkKnownKeys('runQueueWorker()', options, KEYS);
  const model = checkOneOf('model', options.model ?? 'thread', [
    'thread',
    'process',
    'async',
  ] as const);
  const workers = checkInteger('workers', options.workers ?? availableParallelism(), 1);
  const concurrency = checkInteger(
    'concurrency',
    options.concurrency ?? (model === 'async' ? 16 : 1),
    1,
  );
  checkCodecAndRoot(options);
  const redis = parseConnection(options.connection);
  return {
    redis,
    queue: checkQueueName('queue', options.queue),
    tasks: checkPaths(options.tasks),
    tasksRoot: options.tasksRoot,
    model,
    workers,
    concurrency,
    capacity: model === 'async' ? concurrency : workers * concurrency,
    codec: options.codec ?? jsonCodec,
    prefix: checkPrefix('prefix', options.prefix, redis),
    lockDurationMs: checkInteger('lockDurationMs', options.lockDurationMs ?? 30_000, 100),
    stalledIntervalMs: checkInteger('stalledIntervalMs', options.stalledIntervalMs ?? 30_000, 100),
    graceMs: checkInteger('graceMs', options.graceMs ?? 30_000, 0),
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
    progressIntervalMs: checkInteger('progressIntervalMs', options.progressIntervalMs ?? 5000, 0),
  };
}
