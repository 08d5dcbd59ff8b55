import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('the big-O search example finds the same count under every executor and prints the seconds', () => {
  if (!existsSync(`${ROOT}/dist/index.js`)) spawnSync('npm', ['run', 'build'], { cwd: ROOT });
  const args = ['--executor', 'all', '--workers', '2', '--batches', '3', '--needles', '50'];
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'examples/big-o-search/main.ts', ...args, '--size', '20000'],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  const found = [...result.stdout.matchAll(/^(\w+) +workers=2 batches=3: found (\d+) of 150$/gm)];
  assert.deepEqual(
    found.map((m) => m[1]),
    ['sequential', 'async', 'thread', 'process'],
  );
  assert.equal(new Set(found.map((m) => m[2])).size, 1, 'every executor finds the same count');
  assert.equal(result.stdout.match(/^--- {2}\d+\.\d\d seconds ---$/gm)?.length, 4);
  const bad = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'examples/big-o-search/main.ts', '--executor', 'gpu'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    /--executor must be one of sequential, async, thread, process or all, got gpu/,
  );
});
