import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareStructures } from '../../packages/lab/src/workloads/structures.ts';
import { runCli, runJson } from './run-cli.ts';

describe('concur structures', () => {
  it('finds the same numbers in every structure', () => {
    const results = compareStructures(5000, 200, 3);
    assert.deepEqual(
      results.map((r) => r.name),
      ['Array', 'frozen Array', 'Set', 'Map', 'plain object', 'sorted Int32Array'],
    );
    const found = new Set(results.map((r) => r.found));
    assert.equal(found.size, 1);
    assert.ok([...found][0]! > 0 && [...found][0]! < 200);
  });

  it('prints JSON with the time per lookup and the cost against the fastest', async () => {
    const out = await runJson<{
      structures: { name: string; nsPerLookup: number; relative: number }[];
    }>(['structures', '--size', '2000', '--lookups', '50']);
    assert.equal(out.structures.length, 6);
    assert.equal(Math.min(...out.structures.map((s) => s.relative)), 1);
    for (const s of out.structures) assert.ok(s.nsPerLookup > 0, s.name);
  });

  it('prints a table with one row per structure', async () => {
    const result = await runCli(['structures', '--size', '2000', '--lookups', '20']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /structure\s+story\s+found\s+time per lookup\s+vs fastest/);
    assert.equal(lines.length, 8);
    assert.equal(result.stderr, '', 'no progress bar when stderr is not a terminal');
  });
});
