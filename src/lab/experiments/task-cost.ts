import type { Executor } from '../../index.ts';
import { tinyTask } from '../workloads/tiny-task.ts';

/** Tiny tasks per measurement: enough to average out, few enough for Redis to finish in well under a second. */
export const TASK_COST_BATCH = 100;

/**
 * Milliseconds per task when a batch of tiny tasks is submitted at once and awaited:
 * the executor's own cost per task (hand-off, transport, result), which a real task
 * must outweigh for the executor to pay off. A first batch warms the workers up.
 */
export async function measureTaskCost(executor: Executor): Promise<number> {
  const batch = async (): Promise<void> => {
    const futures = Array.from({ length: TASK_COST_BATCH }, (_, i) => executor.submit(tinyTask, i));
    const results = await Promise.all(futures);
    if (results.some((r, i) => r !== i)) throw new Error('a tiny task returned the wrong value');
  };
  await batch();
  const start = performance.now();
  await batch();
  return (performance.now() - start) / TASK_COST_BATCH;
}
