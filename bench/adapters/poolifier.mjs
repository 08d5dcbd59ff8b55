import { fileURLToPath } from 'node:url';
import { FixedClusterPool, FixedThreadPool } from 'poolifier';
import { taskByTask } from './task-by-task.mjs';

const threadWorker = fileURLToPath(new URL('../workers/poolifier-thread.mjs', import.meta.url));
const clusterWorker = fileURLToPath(new URL('../workers/poolifier-cluster.cjs', import.meta.url));

export const name = 'poolifier';
export const runtimes = ['thread', 'process'];

export function create(poolSize, runtime) {
  const pool =
    runtime === 'thread'
      ? new FixedThreadPool(poolSize, threadWorker)
      : new FixedClusterPool(poolSize, clusterWorker);
  const run = (task, arg) => pool.execute(arg, task);
  return { run, map: (task, items) => taskByTask(run, task, items), destroy: () => pool.destroy() };
}
