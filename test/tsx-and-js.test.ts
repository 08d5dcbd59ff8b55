import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureBuilt,
  FIXTURES,
  lastJsonLine,
  userProject as project,
  ROOT,
  runNode,
  TempDirs,
} from './shared/user-project.ts';

// These tests run programs as a user would: the TypeScript fixture under tsx, the same
// fixture compiled by the project's tsc. test/packages.test.ts installs the packed tarballs.

const FIXTURE = join(FIXTURES, 'ts-program');
const EXPECTED_COUNTS = [4, 25, 168];
const temps = new TempDirs();

/** A folder that sees concur (the built repo) and tsx in node_modules, as an installed app would. */
const userProject = (): string => project(temps, { type: 'module', concur: 'link', tsx: true });

const run = (cwd: string, args: string[]): unknown => lastJsonLine(runNode(cwd, args).stdout);

function assertReport(report: unknown, extension: string): void {
  for (const runtime of ['thread', 'process']) {
    assert.deepEqual((report as Record<string, unknown>)[runtime], {
      counts: EXPECTED_COUNTS,
      where: { inWorker: true, extension },
    });
  }
}

before(() => ensureBuilt());

after(() => temps.removeAll());

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
