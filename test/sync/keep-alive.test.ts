import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const program = fileURLToPath(new URL('../fixtures/keep-alive-program.ts', import.meta.url));

function run(mode: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', program, mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('a pending wait on the main thread keeps the program alive', () => {
  for (const mode of ['event', 'mutex', 'process-lock']) {
    it(`${mode}: a wait with no timeout, ended by a worker after its task returned`, () => {
      const result = run(mode);
      assert.equal(result.stdout.trim(), 'woke', result.stderr);
      assert.equal(result.status, 0);
    });
  }
});
