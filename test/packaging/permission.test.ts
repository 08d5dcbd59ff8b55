import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Node's permission model: children inherit it, and a process worker needs a thread (its
// parent watchdog) and, from Node 25, sockets (its pipes). The pool says which flags are missing.

const ROOT = new URL('../../', import.meta.url);
const PROGRAM = fileURLToPath(new URL('../fixtures/permission-pool.mjs', import.meta.url));
const MAJOR = Number.parseInt(process.versions.node, 10);
const PERMISSION = MAJOR >= 22 ? '--permission' : '--experimental-permission';
const BASE = [
  PERMISSION,
  `--allow-fs-read=*`,
  `--allow-fs-write=*`,
  '--disable-warning=ExperimentalWarning',
];

before(() => {
  if (!existsSync(new URL('packages/concur/dist/core.js', ROOT))) {
    execFileSync('npm', ['run', 'build'], { cwd: fileURLToPath(ROOT) });
  }
});

function run(flags: string[]): string {
  // stderr: the child's own report of the refused API, which the pool's error adds to.
  return execFileSync(process.execPath, [...flags, PROGRAM], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  }).trim();
}

describe('a process pool under the permission model', () => {
  it('names every flag its workers lack when it may not even fork', () => {
    const out = run(BASE);
    assert.match(out, /^WorkerCrashedError: A process worker could not be started: /);
    assert.match(out, /needs --allow-child-process, --allow-worker \(its watchdog thread/);
  });

  it('names the flags its workers lack when a child dies at start', () => {
    const out = run([...BASE, '--allow-child-process']);
    assert.match(out, /^WorkerCrashedError: A process worker exited while starting/);
    assert.match(out, /needs --allow-worker \(its watchdog thread/);
    assert.doesNotMatch(out, /--allow-child-process/);
    assert.equal(out.includes('--allow-net'), MAJOR >= 25, out);
  });

  it('runs tasks once they are given', () => {
    const flags = [
      ...BASE,
      '--allow-child-process',
      '--allow-worker',
      ...(MAJOR >= 25 ? ['--allow-net'] : []),
    ];
    assert.equal(run(flags), 'ok true');
  });
});
