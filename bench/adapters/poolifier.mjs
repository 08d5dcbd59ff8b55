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
  return { run, map: (task, items) => taskByTask(run, task, items), destroy: () => destroy(pool) };
}

/**
 * poolifier's destroy() sometimes never settles (seen with thread pools right after a
 * burst): it waits on workers that are already gone, and with nothing else referenced
 * the program would even exit mid-await. Give it a moment, then terminate what is left
 * by hand, so that one stuck pool does not stop the whole run; it is counted in
 * `stuckDestroys` and reported.
 */
async function destroy(pool) {
  let timer;
  const stuck = new Promise((resolve) => {
    timer = setTimeout(() => resolve('stuck'), DESTROY_GRACE_MS);
  });
  const outcome = await Promise.race([pool.destroy(), stuck]);
  clearTimeout(timer);
  if (outcome === 'stuck') {
    stuckDestroys.count++;
    await Promise.all(
      pool.workerNodes.map((node) =>
        node.worker.terminate ? node.worker.terminate() : node.worker.kill(),
      ),
    );
  }
}

const DESTROY_GRACE_MS = 2_000;
export const stuckDestroys = { count: 0 };
