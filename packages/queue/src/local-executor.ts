import { AsyncExecutor, type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from 'concur';

/** The executor a `concur worker` runs its jobs on. */
export type LocalModel = 'thread' | 'process' | 'async';

/** The executor a queue worker runs its jobs on. */
export function createLocalExecutor(
  model: LocalModel,
  workers: number,
  concurrency: number,
): Executor {
  if (model === 'async') return new AsyncExecutor({ concurrency });
  const Pool = model === 'thread' ? ThreadPoolExecutor : ProcessPoolExecutor;
  return new Pool({ maxWorkers: workers, concurrencyPerWorker: concurrency });
}
