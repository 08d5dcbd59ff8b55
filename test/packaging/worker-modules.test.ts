import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Target e of issue 17: a worker's start loads one bundled file (dist/core.js) behind a
// two-line launcher, and a task module that imports `concur` adds only the one-line
// index.js stub: neither the queue nor the lab, nor any core stub.

const ROOT = new URL('../../', import.meta.url);
const DIST = new URL('packages/concur/dist/', ROOT);
const FIXTURES = new URL('../fixtures/', import.meta.url);

before(() => {
  if (!existsSync(new URL('core.js', DIST))) {
    execFileSync('npm', ['run', 'build'], { cwd: fileURLToPath(ROOT) });
  }
});

/** The file:// URLs the worker loaded, in order, relative to the repository root. */
function workerLoads(runtime: 'thread' | 'process'): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'concur-loads-'));
  const log = join(dir, 'loads.log');
  try {
    // A plain node (no concur-source condition): `concur` resolves to the built package.
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        fileURLToPath(new URL('load-log-register.mjs', FIXTURES)),
        fileURLToPath(new URL('worker-module-loads.mjs', FIXTURES)),
        runtime,
      ],
      { env: { ...process.env, LOAD_LOG: log }, encoding: 'utf8' },
    );
    const workerPid = out.trim();
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]);
    // A thread shares its process's pid: its loads are those from its launcher on.
    const ours =
      runtime === 'process'
        ? lines.filter(([pid]) => pid === workerPid)
        : lines.slice(lines.findIndex(([, url]) => url.endsWith('/thread-entry.js')));
    return ours.map(([, url]) => url.slice(ROOT.href.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a worker of the built package', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`loads its launcher, core.js, the task module and index.js and nothing else (${runtime})`, () => {
      assert.deepEqual(workerLoads(runtime), [
        `packages/concur/dist/runtime/entry/${runtime}-entry.js`,
        'packages/concur/dist/core.js',
        'test/fixtures/imports-concur.mjs',
        'packages/concur/dist/index.js',
      ]);
    });
  }

  it('has launchers that import core.js alone', () => {
    for (const runtime of ['thread', 'process']) {
      const text = readFileSync(new URL(`runtime/entry/${runtime}-entry.js`, DIST), 'utf8');
      const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      assert.deepEqual(imports, ['../../core.js'], runtime);
    }
  });
});
