import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureBuilt,
  FIXTURES,
  ROOT,
  runNode,
  TempDirs,
  userProject,
} from './shared/user-project.ts';

// CommonJS programs as their authors run them: plain `node main.js`, against the built
// package (the concur-source condition of the test runner does not reach these children).
// require('concur') loads the same ES module as import('concur'), so one program holds
// one copy of every class whichever form it uses.

const FIXTURE = join(FIXTURES, 'commonjs');
const TS_FIXTURE = join(FIXTURES, 'commonjs-ts');
const temps = new TempDirs();

/** A CommonJS package folder that sees the built concur in node_modules, as an installed app would. */
const commonjsProject = (dir?: string): string =>
  userProject(temps, { type: 'commonjs', concur: 'link', ...(dir === undefined ? {} : { dir }) });

function run(cwd: string, args: string[]): string {
  const { stdout, stderr } = runNode(cwd, args);
  assert.equal(stderr, '', 'no warning (require() of an ES module is not experimental here)');
  return stdout;
}

/** The quick start's output: one search, then the starmap's two batches in order. */
const QUICK_START = '3\n2\n0\n';

before(() => ensureBuilt('dist/require-types/index.d.ts'));

after(() => temps.removeAll());

describe('a CommonJS program', () => {
  it('runs the CommonJS quick start of docs/typescript.md with require() and task(__filename) in threads and processes', () => {
    assert.equal(run(FIXTURE, ['main.js', 'thread']), QUICK_START);
    assert.equal(run(FIXTURE, ['main.js', 'process']), QUICK_START);
  });

  it('finds its tasks in workers when the folder name needs escaping in a file URL', () => {
    // __filename becomes a file: URL in task(); submit() finds the module in require.cache
    // by that URL's path, and the worker imports the URL: both need it to round-trip.
    // `cube` is not among the names an ES import of its module sees, only in module.exports.
    const dir = commonjsProject(join(temps.make('concur-cjs-'), 'my app #1 %41 ü'));
    for (const file of ['main.js', 'tasks.js', 'both-forms.js', 'exports-object.js']) {
      copyFileSync(join(FIXTURE, file), join(dir, file));
    }
    assert.equal(run(dir, ['main.js', 'thread']), QUICK_START);
    assert.equal(run(dir, ['main.js', 'process']), QUICK_START);
    const report = JSON.parse(run(dir, ['both-forms.js']));
    assert.deepEqual(
      [report.thread.values, report.process.values],
      [
        [9, 27],
        [9, 27],
      ],
    );
  });

  it('shares classes between require() and import(): futures, errors, the export rule', () => {
    const report = JSON.parse(run(FIXTURE, ['both-forms.js']));
    const pool = {
      values: [9, 27],
      inOrder: 2,
      done: 2,
      isImportedFuture: true,
      hiddenRefused: true,
    };
    assert.deepEqual(report, {
      sameNamespace: true,
      errorIsImportedClass: true,
      thread: pool,
      process: pool,
    });
  });

  it('is the example docs/typescript.md shows', () => {
    const guide = readFileSync(join(ROOT, 'docs/typescript.md'), 'utf8');
    for (const file of ['tasks.js', 'main.js']) {
      const code = readFileSync(join(FIXTURE, file), 'utf8');
      assert.ok(
        guide.includes(code),
        `docs/typescript.md shows test/fixtures/commonjs/${file} as it is`,
      );
    }
  });
});

describe('TypeScript compiled to CommonJS', () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const expected = {
    counts: [4, 25, 168],
    where: { inWorker: true, extension: '.js' },
    isFuture: true,
  };

  for (const module of ['node16', 'commonjs']) {
    it(`type-checks and runs with module: ${module} in threads and processes`, () => {
      const dir = commonjsProject();
      const args = ['-p', join(TS_FIXTURE, 'tsconfig.json'), '--outDir', dir, '--module', module];
      const compiled = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, `tsc failed:\n${compiled.stdout}${compiled.stderr}`);
      assert.match(readFileSync(join(dir, 'main.js'), 'utf8'), /require\("concur"\)/);
      const report = JSON.parse(run(dir, ['main.js']));
      assert.deepEqual(report, { thread: expected, process: expected });
    });
  }
});
