import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { CallSites } from '../options/call-sites.ts';
import {
  checkInteger,
  checkKnownKeys,
  checkLimit,
  checkObject,
  checkTimeoutMs,
  invalid,
} from '../options/validate.ts';
import { type AnyTask, checkTask, type Task } from '../task/task.ts';

/** Options shared by ThreadPoolExecutor and ProcessPoolExecutor. */
export interface PoolOptions {
  /** Most workers alive at once. @default os.availableParallelism() */
  maxWorkers?: number;
  /** Workers started at once and kept alive while idle. @default 0 */
  minWorkers?: number;
  /** A worker above `minWorkers` idle this long exits. @default Infinity (idle workers never keep the program alive) */
  idleTimeoutMs?: number;
  /** A task run once in each new worker before it takes work (open a connection, load a model). */
  initializer?: Task<never[], unknown> | Task;
  /** Arguments of `initializer`. @default [] */
  initArgs?: unknown[];
  /** Replace a worker after it has run this many tasks (a map chunk counts as one). @default Infinity */
  maxTasksPerWorker?: number;
  /**
   * Tasks each worker runs at once. Above 1, async tasks overlap inside each worker:
   * coroutines inside threads or processes, for I/O-heavy work.
   * @default 1
   */
  concurrencyPerWorker?: number;
  /** Most tasks waiting for a worker; past it submit() rejects with QueueFullError. @default Infinity */
  maxQueue?: number;
  /** Append the submit() site to the stack of a task's error; see CallSites. @default 'auto' */
  callSites?: CallSites;
}

export interface ThreadPoolOptions extends PoolOptions {
  /** V8 heap limits of each worker thread; a worker that exceeds them crashes alone. */
  resourceLimits?: ResourceLimits;
}

export interface ProcessPoolOptions extends PoolOptions {
  /** Node flags of each child. @default process.execArgv (so `--import tsx` carries over) */
  execArgv?: string[];
  /** Environment of each child. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedPoolOptions {
  maxWorkers: number;
  minWorkers: number;
  idleTimeoutMs: number;
  initializer: AnyTask | undefined;
  initArgs: unknown[];
  maxTasksPerWorker: number;
  concurrencyPerWorker: number;
  maxQueue: number;
  callSites: CallSites | undefined;
}

const COMMON_KEYS = [
  'maxWorkers',
  'minWorkers',
  'idleTimeoutMs',
  'initializer',
  'initArgs',
  'maxTasksPerWorker',
  'concurrencyPerWorker',
  'maxQueue',
  'callSites',
] as const;

/** Array.isArray, false for a revoked Proxy (on which it throws). */
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** Options of ThreadPoolExecutor alone, and of ProcessPoolExecutor alone. */
export const THREAD_POOL_KEYS = ['resourceLimits'] as const;
export const PROCESS_POOL_KEYS = ['execArgv', 'env'] as const;

/** Options only the pools take, each with the pools that take it. */
const POOL_ONLY: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    COMMON_KEYS.filter((k) => k !== 'maxQueue' && k !== 'callSites').map((k) => [
      k,
      'ThreadPoolExecutor and ProcessPoolExecutor',
    ]),
  ),
  ...Object.fromEntries(THREAD_POOL_KEYS.map((k) => [k, 'ThreadPoolExecutor'])),
  ...Object.fromEntries(PROCESS_POOL_KEYS.map((k) => [k, 'ProcessPoolExecutor'])),
};

/**
 * For an executor given another model's option (a model switched in one line): which
 * executors take it, then `ownLimit`, how this one limits the tasks at once.
 */
export function poolOptionHint(key: string, ownLimit?: string): string | undefined {
  const owners =
    key === 'concurrency'
      ? 'AsyncExecutor'
      : Object.hasOwn(POOL_ONLY, key)
        ? POOL_ONLY[key]
        : undefined;
  if (owners === undefined) return undefined;
  return `\`${key}\` is an option of ${owners}${ownLimit === undefined ? '' : `; ${ownLimit}`}`;
}

/** Checks the options every pool shares and fills in their defaults, in one place. */
export function resolvePoolOptions(
  what: string,
  options: object,
  extraKeys: readonly string[],
): ResolvedPoolOptions {
  checkObject('options', options);
  checkKnownKeys(what, options, [...COMMON_KEYS, ...extraKeys], (key) =>
    poolOptionHint(
      key,
      key === 'concurrency'
        ? `${what} runs \`maxWorkers\` workers of \`concurrencyPerWorker\` tasks each`
        : undefined,
    ),
  );
  const o = options as PoolOptions;
  const maxWorkers = checkInteger('maxWorkers', o.maxWorkers ?? availableParallelism(), 1);
  const minWorkers = checkInteger('minWorkers', o.minWorkers ?? 0, 0);
  if (minWorkers > maxWorkers) {
    throw invalid('minWorkers', `an integer from 0 to maxWorkers (${maxWorkers})`, minWorkers);
  }
  const idleTimeoutMs =
    o.idleTimeoutMs === undefined || o.idleTimeoutMs === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : checkTimeoutMs('idleTimeoutMs', o.idleTimeoutMs);
  const initializer =
    o.initializer === undefined ? undefined : checkTask(o.initializer, '`initializer`');
  const initArgs = o.initArgs ?? [];
  if (!isArray(initArgs)) throw invalid('initArgs', 'an array', initArgs);
  return {
    maxWorkers,
    minWorkers,
    idleTimeoutMs,
    initializer,
    initArgs,
    maxTasksPerWorker: checkLimit(
      'maxTasksPerWorker',
      o.maxTasksPerWorker ?? Number.POSITIVE_INFINITY,
      1,
    ),
    concurrencyPerWorker: checkInteger('concurrencyPerWorker', o.concurrencyPerWorker ?? 1, 1),
    maxQueue: checkLimit('maxQueue', o.maxQueue ?? Number.POSITIVE_INFINITY, 0),
    callSites: o.callSites,
  };
}
