import type { Executor } from 'concur';
import { tinyTask } from '../workloads/tiny-task.ts';

/** Tiny tasks per batch: enough to keep every worker busy, few enough for Redis to take well under a second. */
export const TASK_COST_BATCH = 100;

/**
 * Batches after the warm-up: at least 3, then more until 100 ms have passed (at most 20).
 * A batch of thread tasks lasts a few milliseconds, where one timer tick or one moment
 * of a busy machine would dominate; the median of several is steady.
 */
const MIN_BATCHES = 3;
const MAX_BATCHES = 20;
const MIN_MS = 100;

/**
 * Milliseconds per task when a batch of tiny tasks is submitted at once and awaited:
 * the executor's own cost per task (hand-off, transport, result), which a real task
 * must outweigh for the executor to pay off. A first batch warms the workers up.
 */
export async function measureTaskCost(executor: Executor): Promise<number> {
  const batch = async (): Promise<number> => {
    const start = performance.now();
    const futures = Array.from({ length: TASK_COST_BATCH }, (_, i) => executor.submit(tinyTask, i));
    const results = await Promise.all(futures);
    if (results.some((r, i) => r !== i)) throw new Error('a tiny task returned the wrong value');
    return (performance.now() - start) / TASK_COST_BATCH;
  };
  await batch();
  const costs: number[] = [];
  const start = performance.now();
  while (
    costs.length < MIN_BATCHES ||
    (costs.length < MAX_BATCHES && performance.now() - start < MIN_MS)
  ) {
    costs.push(await batch());
  }
  costs.sort((a, b) => a - b);
  return costs[Math.floor(costs.length / 2)]!;
}
