import type { TaskModel } from '../experiments/models.ts';

/** One configuration the advice may recommend: an executor and its settings. */
export interface Candidate {
  model: TaskModel;
  /** Threads or processes; null for models that run on this thread. */
  workers: number | null;
  /** Pools: calls at once inside each worker (1 for the others). */
  concurrencyPerWorker: number;
  /** Map chunk size for pools and queue ('auto' for the others). */
  chunksize: number | 'auto';
  /** async: AsyncExecutor's cap on calls at once; null for none. */
  limit: number | null;
}

/**
 * Calls at once per worker tried for tasks that wait: enough that a worker overlaps
 * the waits of a 100 ms call that computes a few milliseconds (issue 16's case, where
 * 16 won), few enough to stay inside the map's read-ahead.
 */
export const WAITING_CONCURRENCY = 16;
/** The capped AsyncExecutor tried beside the uncapped one: a polite number of calls at once. */
export const ASYNC_LIMIT = 8;

export function candidateLabel(c: Candidate): string {
  if (c.model === 'async') return c.limit === null ? 'async' : `async (${c.limit} at once)`;
  if (c.workers === null) return c.model;
  const at = c.concurrencyPerWorker > 1 ? ` x${c.concurrencyPerWorker} at once` : '';
  return `${c.model} x${c.workers}${at} chunk ${c.chunksize}`;
}

export interface CandidateSpace {
  models: readonly TaskModel[];
  workers: readonly number[];
  chunksizes: readonly (number | 'auto')[];
}

/**
 * Every configuration of the space: sequential, async with and without a cap, and for
 * each pool and worker count one task per worker at each chunk size, plus
 * WAITING_CONCURRENCY calls per worker (chunk auto, which keeps a waiting call alone in
 * its chunk). The full sweep runs them all; the advice predicts them all.
 */
export function candidates(space: CandidateSpace): Candidate[] {
  const list: Candidate[] = [];
  const base = { concurrencyPerWorker: 1, chunksize: 'auto' as const, limit: null };
  for (const model of space.models) {
    if (model === 'sequential') list.push({ ...base, model, workers: null });
    else if (model === 'async') {
      list.push({ ...base, model, workers: null });
      list.push({ ...base, model, workers: null, limit: ASYNC_LIMIT });
    } else {
      for (const workers of space.workers) {
        for (const chunksize of space.chunksizes) list.push({ ...base, model, workers, chunksize });
        if (model !== 'queue') {
          list.push({ ...base, model, workers, concurrencyPerWorker: WAITING_CONCURRENCY });
        }
      }
    }
  }
  return list;
}
