import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
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
import { fileURLToPath } from 'node:url';

// These tests run programs as a user would: the TypeScript fixture under tsx, the same
// fixture compiled by the project's tsc. test/packages.test.ts installs the packed tarballs.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/ts-program');
const CORE = join(ROOT, 'packages/concur');
const EXPECTED_COUNTS = [4, 25, 168];
const temps: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concur-user-'));
  temps.push(dir);
  return dir;
}

/** A folder that sees concur (the built repo) and tsx in node_modules, as an installed app would. */
function userProject(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(CORE, join(dir, 'node_modules/concur'), 'dir');
  symlinkSync(join(ROOT, 'node_modules/tsx'), join(dir, 'node_modules/tsx'), 'dir');
  return dir;
}

function run(cwd: string, args: string[]): unknown {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.error, undefined, `the program did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, `exit code ${result.status}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

function assertReport(report: unknown, extension: string): void {
  for (const runtime of ['thread', 'process']) {
    assert.deepEqual((report as Record<string, unknown>)[runtime], {
      counts: EXPECTED_COUNTS,
      where: { inWorker: true, extension },
    });
  }
}

before(() => {
  if (!existsSync(join(CORE, 'dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
});

after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('a user program', () => {
  it('runs TypeScript tasks under tsx (node --import tsx main.ts) in threads and processes', () => {
    const dir = userProject();
    for (const file of ['main.ts', 'tasks.ts']) copyFileSync(join(FIXTURE, file), join(dir, file));
    assertReport(run(dir, ['--import', 'tsx', 'main.ts']), '.ts');
  });

  it('runs the same program compiled to JavaScript by tsc in threads and processes', () => {
    const dir = userProject();
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(FIXTURE, 'tsconfig.json'), '--outDir', dir], {
      stdio: 'pipe',
    });
    assert.deepEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.js'))
        .sort(),
      ['main.js', 'tasks.js'],
    );
    assertReport(run(dir, ['main.js']), '.js');
  });
});
