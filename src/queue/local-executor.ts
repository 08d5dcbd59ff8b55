import type { Executor } from '../executors/executor.ts';

export type LocalModel = 'thread' | 'process' | 'async';

type ExecutorClass = new (options: Record<string, unknown>) => Executor;

/**
 * The executor a queue worker runs its jobs on. Looked up by name on the
 * package's barrel so that this file does not pin the pool modules' paths.
 */
export async function createLocalExecutor(
  model: LocalModel,
  workers: number,
  concurrency: number,
): Promise<Executor> {
  const core = (await import('../index.ts')) as unknown as Record<
    string,
    ExecutorClass | undefined
  >;
  if (model === 'async') {
    return new (core.AsyncExecutor as ExecutorClass)({ concurrency });
  }
  const name = model === 'thread' ? 'ThreadPoolExecutor' : 'ProcessPoolExecutor';
  const Ctor = core[name];
  if (Ctor === undefined) {
    throw new Error(`This build of concur has no ${name}; run the worker with --model async`);
  }
  return new Ctor({ maxWorkers: workers, concurrencyPerWorker: concurrency });
}
