import assert from 'node:assert/strict';

/** The fields of a `concur compare --task --json` run record these tests look at. */
export interface TaskRunFields {
  model: unknown;
  workers: unknown;
  chunksize: unknown;
  concurrencyPerWorker?: unknown;
  count: unknown;
  sameResults: unknown;
}

/**
 * The runs are exactly `rows` ([model, workers, chunksize, calls at once per worker
 * (default 1)], in order), and each one made `count` calls and returned what the first
 * run returned.
 */
export function assertTaskRuns(
  runs: readonly TaskRunFields[],
  rows: readonly (readonly [string, number | null, number | 'auto', number?])[],
  count: number,
): void {
  assert.deepEqual(
    runs.map((r) => [r.model, r.workers, r.chunksize, r.concurrencyPerWorker ?? 1]),
    rows.map(([model, workers, chunksize, perWorker]) => [
      model,
      workers,
      chunksize,
      perWorker ?? 1,
    ]),
  );
  for (const run of runs) {
    const label = `${run.model} x${run.workers} chunk ${run.chunksize}`;
    assert.equal(run.count, count, label);
    assert.equal(run.sameResults, true, label);
  }
}
