import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A user's project (test/fixtures/runners) whose own tests start concur's thread and
// process pools on .ts task modules, run by the test runners users run: vitest, which
// loads test files through Vite, and node --test with tsx. Each runs as its own program
// in a copy of the project that sees concur (built), tsx and vitest in node_modules.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/runners');
const CORE = join(ROOT, 'packages/concur');
let project = '';

before(() => {
  if (!existsSync(join(CORE, 'dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  project = mkdtempSync(join(tmpdir(), 'concur-runners-'));
  cpSync(FIXTURE, project, { recursive: true });
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(CORE, join(project, 'node_modules/concur'), 'dir');
  for (const name of ['tsx', 'vitest', 'vite'])
    symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
});

after(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

function runIn(args: string[]): string {
  // NODE_TEST_CONTEXT would make a nested `node --test` report to us in its binary protocol.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const result = spawnSync(process.execPath, args, {
    cwd: project,
    env: { ...env, CI: '1', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.error, undefined, `the runner did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, `exit code ${result.status}\n${output}`);
  return output;
}

describe('test runners', () => {
  it('vitest runs a test that uses thread and process pools with .ts task modules', () => {
    const output = runIn([join(project, 'node_modules/vitest/vitest.mjs'), 'run']);
    assert.match(output, /1 passed/);
    assert.match(output, /pools\.spec\.ts/);
  });

  it('node --test --import tsx runs the same checks', () => {
    const output = runIn(['--import', 'tsx', '--test', '--test-reporter=tap', 'pools.test.ts']);
    assert.match(output, /# pass 1/);
    assert.match(output, /# fail 0/);
  });
});
