import { AsyncExecutor, type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from 'concur';
import { startTasksAtOnce } from 'concur/backend';

/** The executor a `concur worker` runs its jobs on. */
export type LocalModel = 'thread' | 'process' | 'async';

/** The executor a queue worker runs its jobs on. */
export function createLocalExecutor(
  model: LocalModel,
  workers: number,
  concurrency: number,
): Executor {
  if (model === 'async') {
    // The job processor hands it a job only when a slot is free: start it now rather
    // than after the Redis I/O waiting for the event loop's next turn.
    const executor = new AsyncExecutor({ concurrency });
    startTasksAtOnce(executor);
    return executor;
  }
  const Pool = model === 'thread' ? ThreadPoolExecutor : ProcessPoolExecutor;
  return new Pool({ maxWorkers: workers, concurrencyPerWorker: concurrency });
}
