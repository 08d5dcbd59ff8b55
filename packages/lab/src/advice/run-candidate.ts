import { base } from '../experiments/matrix.ts';
import { runMeasured } from '../experiments/run-measured.ts';
import type { RunRecord } from '../experiments/run-record.ts';
import type { TaskOutcome, TaskSpec } from '../experiments/spec.ts';
import { type Candidate, candidateLabel } from './candidate.ts';

/** Where the user's task and inputs are. */
export type TaskSource = Pick<TaskSpec, 'modulePath' | 'exportName' | 'inputsPath'>;

/** A measured run and the hash of its results. */
export interface CandidateRun {
  record: RunRecord;
  digest: string;
}

/** One full, measured run of a candidate in a fresh process. */
export async function runCandidate(
  c: Candidate,
  source: TaskSource,
  options: {
    onProgress?: (done: number, total: number) => void;
    timeLimitSeconds?: number;
    predictedSeconds?: number | null;
  } = {},
): Promise<CandidateRun> {
  const label = candidateLabel(c);
  const m = await runMeasured<TaskOutcome>(
    {
      kind: 'task',
      ...source,
      model: c.model,
      workers: c.workers ?? 1,
      chunksize: c.chunksize,
      concurrencyPerWorker: c.concurrencyPerWorker,
      limit: c.limit,
    },
    {
      what: `the run of ${label}`,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.timeLimitSeconds === undefined
        ? {}
        : { timeLimitSeconds: options.timeLimitSeconds }),
    },
  );
  const record: RunRecord = {
    ...base(m, 'task', c.model, c.workers, label),
    count: m.outcome.items,
    chunksize: c.chunksize,
    concurrencyPerWorker: c.concurrencyPerWorker,
    limit: c.limit,
    predictedSeconds: options.predictedSeconds ?? null,
    errors: m.outcome.errors,
    firstError: m.outcome.firstError,
    // Set by markSameResults once every run is in.
    sameResults: true,
  };
  return { record, digest: m.outcome.digest };
}

/** Marks each run whose results differ from the first run's; returns the labels that differ. */
export function markSameResults(runs: readonly CandidateRun[]): string[] {
  const reference = runs[0]?.digest;
  const differ: string[] = [];
  for (const { record, digest } of runs) {
    record.sameResults = digest === reference;
    if (!record.sameResults) differ.push(record.label);
  }
  return differ;
}
