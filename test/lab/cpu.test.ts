import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeSearchData } from '../../packages/lab/src/workloads/search-data.ts';
import { runJson } from './run-cli.ts';

const SIZE = { size: 20_000, lookups: 50, batches: 3, seed: 7 };
const ARGS = [
  '--size',
  '20000',
  '--lookups',
  '50',
  '--batches',
  '3',
  '--seed',
  '7',
  '--workers',
  '2',
];

function expectedCount(): number {
  const { haystack, batches } = makeSearchData(SIZE);
  const set = new Set(haystack);
  return batches.flat().filter((n) => set.has(n)).length;
}

describe('concur cpu', { concurrency: 2 }, () => {
  const expected = expectedCount();

  it('the fixture finds some but not all numbers, so the count can tell models apart', () => {
    assert.ok(expected > 0 && expected < SIZE.lookups * SIZE.batches, String(expected));
  });

  for (const model of ['sequential', 'async', 'async-gather', 'thread', 'process']) {
    it(`finds the same count under ${model}, with the documented JSON fields`, async () => {
      const out = await runJson(['cpu', '--model', model, ...ARGS, '--skip-baseline']);
      assert.equal(out.count, expected);
      assert.equal(out.command, 'cpu');
      assert.equal(out.model, model);
      assert.equal(out.batches, 3);
      for (const field of ['seconds', 'cpuSeconds', 'coresUsed', 'cores', 'peakRssBytes']) {
        assert.equal(typeof out[field], 'number', field);
      }
      assert.ok(
        (out.peakRssBytes as number) > 10 * 1024 * 1024,
        'a Node process tree holds more than 10 MiB',
      );
      assert.equal(out.speedup, model === 'sequential' ? 1 : null);
    });
  }

  it('finds the same count with threads when run from the TypeScript sources', async () => {
    const out = await runJson(['cpu', '--model', 'thread', ...ARGS, '--skip-baseline'], {
      source: true,
    });
    assert.equal(out.count, expected);
  });

  for (const model of ['thread', 'process', 'sequential']) {
    it(`finds the same count under ${model} with the array in shared memory (--share)`, async () => {
      const out = await runJson(['cpu', '--model', model, ...ARGS, '--share', '--skip-baseline']);
      assert.equal(out.share, true);
      assert.equal(out.count, expected);
    });
  }

  it('runs a sequential baseline to report the speedup', async () => {
    const out = await runJson(['cpu', '--model', 'async', ...ARGS]);
    assert.equal(typeof out.sequentialSeconds, 'number');
    assert.equal(out.speedup, (out.sequentialSeconds as number) / (out.seconds as number));
  });
});
