import type { Executor } from '../../index.ts';
import { makeSearchData } from '../workloads/search-data.ts';
import { type Haystack, searchBatch } from '../workloads/search-task.ts';
import { createExecutor } from './models.ts';
import { shareHaystack } from './share.ts';
import type { CpuOutcome, CpuSpec } from './spec.ts';

export type Progress = (done: number, total: number) => void;

/** Prepares the data, then returns the timed part: the search under the spec's model. */
export function prepareCpu(spec: CpuSpec, progress: Progress): () => Promise<CpuOutcome> {
  const data = makeSearchData(spec);
  const haystack: Haystack = spec.share ? shareHaystack(data.haystack) : data.haystack;
  const total = data.batches.length;
  return async () => {
    const executor: Executor = createExecutor({
      runtime: spec.model === 'async-gather' ? 'async' : spec.model,
      workers: spec.workers,
    });
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
          data.batches.map((needles) => executor.submit(searchBatch, haystack, needles).then(tick)),
        );
      }
    } finally {
      await executor.shutdown();
    }
    return { count };
  };
}
