import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { taskByTask } from './task-by-task.mjs';

const script = fileURLToPath(new URL('../workers/workerpool.mjs', import.meta.url));

export const name = 'workerpool';
export const runtimes = ['thread', 'process'];

export function create(poolSize, runtime) {
  const pool = workerpool.pool(script, {
    minWorkers: poolSize,
    maxWorkers: poolSize,
    workerType: runtime,
  });
  const run = (task, arg) => pool.exec(task, [arg]);
  return {
    run,
    map: (task, items) => taskByTask(run, task, items),
    destroy: () => pool.terminate(),
  };
}
