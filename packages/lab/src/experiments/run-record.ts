import type { CoreSample } from '../measure/sampler.ts';

export type Workload = 'cpu' | 'io' | 'task';

/** One measured run of `concur compare`, as the table, the charts and --json see it. */
export interface RunRecord {
  workload: Workload;
  model: string;
  /** Threads or processes; null for models that run on one thread. */
  workers: number | null;
  /** "thread x2", "async-limited (3 at once)", ... */
  label: string;
  seconds: number;
  /** Sequential seconds of the same workload over these seconds; null without a sequential run. */
  speedup: number | null;
  cpuSeconds: number;
  coresUsed: number;
  cores: number;
  peakRssBytes: number;
  /** cpu: lookups found; task: items. */
  count?: number;
  /** cpu: milliseconds per tiny task on this model's executor (a batch submitted at once). */
  taskCostMs?: number;
  /** io only (errors: io and task, the calls that failed). */
  idealSeconds?: number | null;
  bytes?: number;
  expectedBytes?: number | null;
  errors?: number;
  /** task only. */
  chunksize?: number | 'auto';
  /** task only: whether the results equal the first run's. */
  sameResults?: boolean;
  /** task only: pools' calls at once per worker. */
  concurrencyPerWorker?: number;
  /** task only: async's cap on calls at once (null: none). */
  limit?: number | null;
  /** task only: what the advice predicted for this run, in seconds. */
  predictedSeconds?: number | null;
  /** task only: the first message of the calls that threw. */
  firstError?: string | null;
  timeline: CoreSample[];
}

/**
 * Fills `speedup` from the workload's sequential run, or from `sequentialSeconds` (the
 * advice's estimate) when sequential was not run.
 */
export function addSpeedups(records: RunRecord[], sequentialSeconds?: number): void {
  const sequential = records.find((r) => r.model === 'sequential')?.seconds ?? sequentialSeconds;
  for (const r of records) {
    r.speedup = sequential === undefined || r.seconds <= 0 ? null : sequential / r.seconds;
  }
}
