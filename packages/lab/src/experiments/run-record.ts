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
  /** io only. */
  idealSeconds?: number | null;
  bytes?: number;
  expectedBytes?: number | null;
  errors?: number;
  /** task only. */
  chunksize?: number | 'auto';
  /** task only: whether the results equal the sequential run's. */
  sameResults?: boolean;
  timeline: CoreSample[];
}

/** Fills `speedup` from the workload's sequential run. */
export function addSpeedups(records: RunRecord[]): void {
  const sequential = records.find((r) => r.model === 'sequential');
  for (const r of records) {
    r.speedup = sequential === undefined || r.seconds <= 0 ? null : sequential.seconds / r.seconds;
  }
}
