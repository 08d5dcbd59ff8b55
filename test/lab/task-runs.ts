import assert from 'node:assert/strict';

/** The fields of a `concur compare --task --json` run record these tests look at. */
export interface TaskRunFields {
  model: unknown;
  workers: unknown;
  chunksize: unknown;
  count: unknown;
  sameResults: unknown;
}

/**
 * The runs are exactly `rows` ([model, workers, chunksize], in order), and each one
 * made `count` calls and returned what sequential returned.
 */
export function assertTaskRuns(
  runs: readonly TaskRunFields[],
  rows: readonly (readonly [string, number | null, number | 'auto'])[],
  count: number,
): void {
  assert.deepEqual(
    runs.map((r) => [r.model, r.workers, r.chunksize]),
    rows.map((row) => [...row]),
  );
  for (const run of runs) {
    const label = `${run.model} x${run.workers} chunk ${run.chunksize}`;
    assert.equal(run.count, count, label);
    assert.equal(run.sameResults, true, label);
  }
}
