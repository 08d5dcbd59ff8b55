import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, runJson } from './run-cli.ts';

interface ProfileJson {
  exitCode: number;
  totalSamples: number;
  functions: {
    name: string;
    url: string;
    samples: number;
    lines: { line: number; samples: number }[];
  }[];
}

function hotLine(path: string): number {
  return (
    readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('// HOT')) + 1
  );
}

const fixtures: [string, string, string, string][] = [
  ['TypeScript through tsx', '../fixtures/lab/hot-loop.ts', 'search', '2000'],
  ['CommonJS TypeScript', '../fixtures/lab/hot-loop-commonjs.cts', 'scanAll', '2000'],
  ['JavaScript', '../fixtures/lab/hot-loop.mjs', 'accumulate', '3000000'],
];

describe('concur profile', () => {
  for (const [what, relative, fn, size] of fixtures) {
    it(`puts the hottest line of ${what} on the line doing the work`, async () => {
      const path = fileURLToPath(new URL(relative, import.meta.url));
      const out = await runJson<ProfileJson>(['profile', path, '--top', '2', '--', size]);
      assert.equal(out.exitCode, 0);
      const hottest = out.functions[0]!;
      assert.equal(hottest.name, fn);
      assert.equal(fileURLToPath(hottest.url), path, 'lines point into the original file');
      for (const { url } of out.functions) {
        // From Node 22.15, tsx and the profiler's own hooks compile in the profiled thread.
        assert.doesNotMatch(url, /\/node_modules\/(tsx|esbuild)\/|\/profile\/(hook|line-)/);
      }
      const top = [...hottest.lines].sort((a, b) => b.samples - a.samples)[0]!;
      assert.equal(top.line, hotLine(path));
      // Start-up, idle and tsx's own work vary with the machine; within the function, the line dominates.
      assert.ok(top.samples > hottest.samples / 2, `${top.samples} of ${hottest.samples} samples`);
    });
  }

  it('prints a kernprof-like table with the source line (from the TypeScript sources)', async () => {
    const path = fileURLToPath(new URL('../fixtures/lab/hot-loop.ts', import.meta.url));
    const result = await runCli(['profile', path, '--top', '1', '--', '1500'], { source: true });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^search at .*hot-loop\.ts:\d+: \d+ samples/m);
    assert.match(result.stdout, /Line\s+Samples\s+Time\s+% Time\s+Line Contents/);
    assert.match(
      result.stdout,
      new RegExp(`^\\s*${hotLine(path)}\\s+\\d+.*hay\\.includes\\(needle\\)`, 'm'),
    );
  });

  it('still reports a script that fails, with its exit code', async () => {
    const path = fileURLToPath(new URL('../fixtures/lab/exits-3.mjs', import.meta.url));
    const out = await runJson<ProfileJson>(['profile', path]);
    assert.equal(out.exitCode, 3);
  });
});
