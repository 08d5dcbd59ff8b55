import {
  AsyncExecutor,
  type Executor,
  ProcessPoolExecutor,
  SequentialExecutor,
  ThreadPoolExecutor,
} from 'concur';

export const CPU_MODELS = Object.freeze([
  'sequential',
  'async',
  'async-gather',
  'thread',
  'process',
  'queue',
] as const);
export type CpuModel = (typeof CPU_MODELS)[number];

/**
 * `concur compare`'s CPU models when none are named: queue is left out, since it needs
 * a redis-server and its start-up adds seconds to a comparison meant to take half a minute.
 */
export const DEFAULT_CPU_MODELS: readonly CpuModel[] = Object.freeze(
  CPU_MODELS.filter((m) => m !== 'queue'),
);

export const IO_MODELS = Object.freeze([
  'sequential',
  'process',
  'thread',
  'async-blocking',
  'async',
  'async-limited',
] as const);
export type IoModel = (typeof IO_MODELS)[number];

export const TASK_MODELS = Object.freeze([
  'sequential',
  'async',
  'thread',
  'process',
  'queue',
] as const);
export type TaskModel = (typeof TASK_MODELS)[number];

/** `concur compare --task`'s models when none are named: queue only when asked, as for cpu. */
export const DEFAULT_TASK_MODELS: readonly TaskModel[] = Object.freeze(
  TASK_MODELS.filter((m) => m !== 'queue'),
);

/** Models whose speed depends on a worker count. */
export function usesWorkers(model: string): boolean {
  return model === 'thread' || model === 'process' || model === 'queue';
}

export interface ExecutorChoice {
  runtime: 'sequential' | 'async' | 'thread' | 'process';
  workers: number;
  /** AsyncExecutor's cap on tasks at once. */
  concurrency?: number;
  /** Pools: async tasks at once inside each worker. */
  concurrencyPerWorker?: number;
}

/** Every model is one of concur's executors: the lab has no pool of its own. */
export function createExecutor(choice: ExecutorChoice): Executor {
  switch (choice.runtime) {
    case 'sequential':
      return new SequentialExecutor();
    case 'async':
      return new AsyncExecutor(
        choice.concurrency === undefined ? {} : { concurrency: choice.concurrency },
      );
    case 'thread':
      return new ThreadPoolExecutor({
        maxWorkers: choice.workers,
        concurrencyPerWorker: choice.concurrencyPerWorker ?? 1,
      });
    case 'process':
      return new ProcessPoolExecutor({
        maxWorkers: choice.workers,
        concurrencyPerWorker: choice.concurrencyPerWorker ?? 1,
      });
  }
}
