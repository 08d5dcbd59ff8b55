import { Tinypool } from 'tinypool';
import { taskByTask } from './task-by-task.mjs';

const filename = new URL('../workers/named-exports.mjs', import.meta.url).href;

export const name = 'tinypool';
export const runtimes = ['thread', 'process'];

export function create(poolSize, runtime) {
  const pool = new Tinypool({
    filename,
    minThreads: poolSize,
    maxThreads: poolSize,
    runtime: runtime === 'thread' ? 'worker_threads' : 'child_process',
  });
  const run = (task, arg) => pool.run(arg, { name: task });
  return { run, map: (task, items) => taskByTask(run, task, items), destroy: () => pool.destroy() };
}
