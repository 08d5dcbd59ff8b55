import * as concur from '../../packages/concur/dist/index.js';
import { inc, score, search } from '../workers/concur-tasks.mjs';

const tasks = { inc, score, search };

export const name = 'concur';
export const runtimes = ['thread', 'process'];
/** False until the pool executors are built into dist/ (the bench then runs without concur). */
export const available =
  typeof concur.ThreadPoolExecutor === 'function' &&
  typeof concur.ProcessPoolExecutor === 'function';

export function create(poolSize, runtime) {
  const Executor = runtime === 'thread' ? concur.ThreadPoolExecutor : concur.ProcessPoolExecutor;
  const executor = new Executor({ maxWorkers: poolSize, minWorkers: poolSize });
  return {
    run: (task, arg) => executor.submit(tasks[task], arg),
    map: (task, items) => executor.map(tasks[task], items),
    destroy: () => executor.shutdown(),
  };
}
