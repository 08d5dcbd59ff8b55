import type { Job } from '../job/job.ts';

/** How the pool reports job progress to its executor. */
export interface PoolCallbacks {
  started(job: Job): void;
  fulfilled(job: Job, value: unknown): void;
  rejected(job: Job, error: unknown): void;
}
