import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// TypeScript task modules as users run them on Node 22.18+, 24 and 26, where `node main.ts`
// strips types without tsx, and on Node 20, where only tsx runs them. Each program runs in a
// folder of its own under the OS temp dir, so no node_modules above it can lend it tsx.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures');
const CORE = join(ROOT, 'packages/concur');
const TSX = join(ROOT, 'node_modules/tsx');
const temps: string[] = [];

// process.features.typescript is 'strip' or 'transform' where Node runs .ts files itself
// (22.18+ and 23.6+ by default), false or absent before.
const typescript = (process.features as { typescript?: string | false }).typescript;
const cannotStrip = typescript
  ? false
  : `Node ${process.version} cannot strip TypeScript types (it does by default from 22.18 and 23.6)`;

/** A project folder with concur installed as a copy of the build: no tsx reachable from it. */
function projectWithoutTsx(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'concur-native-ts-'));
  temps.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const concur = join(dir, 'node_modules/concur');
  mkdirSync(concur, { recursive: true });
  copyFileSync(join(CORE, 'package.json'), join(concur, 'package.json'));
  cpSync(join(CORE, 'dist'), join(concur, 'dist'), { recursive: true });
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

function projectWithTsx(fixture: string): string {
  const dir = projectWithoutTsx(fixture);
  symlinkSync(TSX, join(dir, 'node_modules/tsx'), 'dir');
  return dir;
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): unknown {
  const result = spawnSync(process.execPath, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(result.error, undefined, `the program did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, `exit code ${result.status}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

const EXPECTED = { counts: [4, 25, 168], where: { inWorker: true, extension: '.ts' } };

before(() => {
  if (!existsSync(join(CORE, 'dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
});

after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// Skipped test by test, so that the runner's closing count shows the skips.
describe("TypeScript task modules on Node's own type stripping (node main.ts)", () => {
  it('runs them in threads and processes with no tsx installed', { skip: cannotStrip }, () => {
    const dir = projectWithoutTsx('ts-program');
    assert.deepEqual(readdirSync(join(dir, 'node_modules')), ['concur']);
    assert.deepEqual(run(dir, ['main.ts']), { thread: EXPECTED, process: EXPECTED });
  });

  it('runs them in threads and processes with tsx installed but not loaded', {
    skip: cannotStrip,
  }, () => {
    const dir = projectWithTsx('ts-program');
    assert.deepEqual(run(dir, ['main.ts']), { thread: EXPECTED, process: EXPECTED });
  });
});

describe('a task module only tsx compiles (an enum), tsx registered by its API in the main thread', () => {
  // Node 20 knows no .ts files in the workers; 22.18+ strips types there but refuses the enum.
  // Either way the workers must register tsx as the main thread did.
  it('runs in threads and processes', () => {
    const dir = projectWithTsx('ts-enum-program');
    assert.deepEqual(run(dir, ['boot.mjs']), { thread: 9, process: 9 });
  });

  it('fails the task, saying to install tsx, when the workers cannot find tsx', () => {
    // The main thread loads tsx from outside the project, which the workers do not look in.
    const dir = projectWithoutTsx('ts-enum-program');
    const api = pathToFileURL(join(TSX, 'dist/esm/api/index.mjs')).href;
    const report = run(dir, ['boot.mjs'], { ...process.env, TSX_API: api }) as Record<
      string,
      string
    >;
    for (const runtime of ['thread', 'process']) {
      assert.match(report[runtime]!, /could not import .*tasks\.ts to run task `square`/);
      assert.match(report[runtime]!, /install tsx in your project, `npm install -D tsx`/);
    }
  });
});
