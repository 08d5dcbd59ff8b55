import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../packages/lab/src/experiments/run-record.ts';
import { activityChart, speedupChart } from '../../packages/lab/src/report/charts.ts';

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

describe('speedup chart', () => {
  const runs = [
    { label: 'sequential', model: 'sequential', workers: null, speedup: 1, cores: 2 },
    { label: 'async', model: 'async', workers: null, speedup: 38, cores: 2 },
    { label: 'async-gather', model: 'async-gather', workers: null, speedup: 0.9, cores: 2 },
    { label: 'thread x2', model: 'thread', workers: 2, speedup: 1.8, cores: 2 },
  ] as unknown as RunRecord[];
  const chart = speedupChart(runs, 'cpu');
  const layers = (
    chart.spec as {
      layer: {
        data: { values: { workers: number; label?: string }[] };
        encoding: { y: { scale?: { type?: string } } };
      }[];
    }
  ).layer;

  it('spreads the models without workers around 1 worker instead of one dot', () => {
    const points = layers[1]!.data.values;
    const unpooled = points.filter((p) => !p.label?.includes(' x'));
    assert.equal(new Set(unpooled.map((p) => p.workers)).size, 3);
    for (const p of unpooled) assert.ok(p.workers > 0.8 && p.workers < 1.25, String(p.workers));
    assert.equal(points.find((p) => p.label === 'thread x2')?.workers, 2);
  });

  it('draws speedup on a log scale, so a 38x point does not flatten the others', () => {
    for (const layer of layers) assert.equal(layer.encoding.y.scale?.type, 'log');
  });
});
