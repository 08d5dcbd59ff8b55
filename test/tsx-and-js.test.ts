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
// fixture compiled by the project's tsc, and the packed package installed from its tarball.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/ts-program');
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
  symlinkSync(ROOT, join(dir, 'node_modules/concur'), 'dir');
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
  if (!existsSync(join(ROOT, 'dist/index.js'))) {
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

  it("installs from the packed tarball and runs `import { ThreadPoolExecutor } from 'concur'`", () => {
    const packDir = tempDir();
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    const app = tempDir();
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(packDir, tarball)],
      { cwd: app, stdio: 'pipe' },
    );
    writeFileSync(
      join(app, 'tasks.mjs'),
      [
        "import { task } from 'concur';",
        'export const square = task(import.meta.url, function square(x) { return x * x; });',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'main.mjs'),
      [
        "import { ThreadPoolExecutor } from 'concur';",
        "import { square } from './tasks.mjs';",
        'const pool = new ThreadPoolExecutor({ maxWorkers: 2 });',
        'const squares = [];',
        'for await (const value of pool.map(square, [1, 2, 3, 4])) squares.push(value);',
        'await pool.shutdown();',
        'console.log(JSON.stringify(squares));',
      ].join('\n'),
    );
    assert.deepEqual(run(app, ['main.mjs']), [1, 4, 9, 16]);
    assert.ok(
      !existsSync(join(app, 'node_modules/concur/src')),
      'the package ships dist/, not the sources',
    );
  });
});
