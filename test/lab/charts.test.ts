import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../packages/lab/src/experiments/run-record.ts';
import { activityChart } from '../../packages/lab/src/report/charts.ts';

// Only the fields activityChart reads; the rest of a RunRecord does not matter here.
function run(label: string, samples: { t: number; cores: number[]; run: number }[]): RunRecord {
  return { label, model: 'thread', timeline: samples } as unknown as RunRecord;
}

describe('activity chart', () => {
  const chart = activityChart(
    [
      run('short', [{ t: 0.1, cores: [0.5, 21], run: 0.4 }]),
      run('long', [{ t: 9, cores: [1, 1], run: 42 }]),
    ],
    'cpu',
  );
  const spec = chart.spec as { data: { values: { busy: number }[] }; resolve?: unknown };

  it('clamps samples to 0..100% (a late /proc read once gave 2,100%)', () => {
    const busy = spec.data.values.map((v) => v.busy);
    assert.equal(Math.max(...busy), 100);
    assert.ok(busy.includes(50));
  });

  it('draws every run on one time scale, so panels compare by eye', () => {
    assert.equal(spec.resolve, undefined);
  });
});
