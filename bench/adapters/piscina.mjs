import { Piscina } from 'piscina';
import { taskByTask } from './task-by-task.mjs';

const filename = new URL('../workers/named-exports.mjs', import.meta.url).href;

export const name = 'piscina';
export const runtimes = ['thread'];

export function create(poolSize) {
  const pool = new Piscina({ filename, minThreads: poolSize, maxThreads: poolSize });
  const run = (task, arg) => pool.run(arg, { name: task });
  return { run, map: (task, items) => taskByTask(run, task, items), destroy: () => pool.destroy() };
}
