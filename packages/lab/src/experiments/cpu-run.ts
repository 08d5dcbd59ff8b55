import type { Executor } from 'concur';
import { makeSearchData } from '../workloads/search-data.ts';
import { type Haystack, searchBatch } from '../workloads/search-task.ts';
import { createExecutor } from './models.ts';
import { type QueueModel, startQueueModel } from './queue-model.ts';
import { shareHaystack } from './share.ts';
import type { CpuOutcome, CpuSpec, PreparedRun } from './spec.ts';
import { measureTaskCost } from './task-cost.ts';

export type Progress = (done: number, total: number) => void;

function newExecutor(spec: CpuSpec): Executor {
  if (spec.model === 'queue') throw new Error('the queue model runs on its own cluster');
  return createExecutor({
    runtime: spec.model === 'async-gather' ? 'async' : spec.model,
    workers: spec.workers,
  });
}

/**
 * Prepares the data (and for `queue` starts Redis and the worker, which a queue keeps
 * running between jobs), then returns the timed part: the search under the spec's model.
 * Pools start and stop inside the timed part, as a program that makes one would.
 */
export async function prepareCpu(
  spec: CpuSpec,
  progress: Progress,
): Promise<PreparedRun<CpuOutcome>> {
  const data = makeSearchData(spec);
  // Shared memory cannot cross Redis: the queue always sends the plain array.
  const haystack: Haystack =
    spec.share && spec.model !== 'queue' ? shareHaystack(data.haystack) : data.haystack;
  const total = data.batches.length;
  const queue: QueueModel | undefined =
    spec.model === 'queue' ? await startQueueModel(spec.workers) : undefined;
  return {
    async run() {
      const executor = queue?.executor ?? newExecutor(spec);
      let count = 0;
      let done = 0;
      const tick = (found: number): void => {
        count += found;
        progress(++done, total);
      };
      try {
        if (spec.model === 'async') {
          // The story's plain coroutine loop: one batch awaited after another.
          const args = data.batches.map((needles) => [haystack, needles] as [Haystack, number[]]);
          for await (const found of executor.starmap(searchBatch, args)) tick(found);
        } else {
          // gather: every batch submitted at once, then all awaited.
          await Promise.all(
            data.batches.map((needles) =>
              executor.submit(searchBatch, haystack, needles).then(tick),
            ),
          );
        }
      } finally {
        if (queue === undefined) await executor.shutdown();
      }
      return { count };
    },
    async probe(outcome) {
      if (queue !== undefined)
        return { ...outcome, taskCostMs: await measureTaskCost(queue.executor) };
      const executor = newExecutor(spec);
      try {
        return { ...outcome, taskCostMs: await measureTaskCost(executor) };
      } finally {
        await executor.shutdown();
      }
    },
    async close() {
      await queue?.close();
    },
  };
}
