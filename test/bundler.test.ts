import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
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
import { build } from 'esbuild';

// The README's bundling recipe, as a user would follow it: esbuild bundles an app and its
// task modules into one ESM file, which runs with plain node from a folder where concur is
// installed. Inlining concur too cannot work (its workers start from its own files), and
// the app must be told so when it submits.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = join(ROOT, 'test/fixtures/bundled-app/main.ts');
const CORE = join(ROOT, 'packages/concur');
let project = '';

interface Outcome {
  squares?: number[];
  bytes?: number[];
  where?: { inWorker: boolean; moduleUrl: string };
  error?: { name: string; code: string; message: string };
}

before(() => {
  if (!existsSync(join(CORE, 'dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  project = mkdtempSync(join(tmpdir(), 'concur-bundle-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(CORE, join(project, 'node_modules/concur'), 'dir');
});

after(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

async function bundle(name: string, external: string[]): Promise<string> {
  const outfile = join(project, name);
  await build({
    entryPoints: [APP],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // Task names are function names, which esbuild may rename (square -> square2) without this.
    keepNames: true,
    // The fixture imports `concur` as an app would; resolve it to the built package.
    nodePaths: [join(project, 'node_modules')],
    logLevel: 'silent',
  });
  return outfile;
}

function runBundle(file: string): Record<'thread' | 'process', Outcome> {
  const result = spawnSync(process.execPath, [file], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(result.error, undefined, `the bundle did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, `exit code ${result.status}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('an app bundled by esbuild into one CommonJS file, concur inlined', () => {
  it('loads, and a submit rejects with WorkerEntryNotFoundError (import.meta is empty there)', async (t) => {
    // A folder of its own: the ESM tests below list what the project folder holds.
    const dir = mkdtempSync(join(tmpdir(), 'concur-cjs-bundle-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const entry = join(dir, 'cjs-app.cjs');
    writeFileSync(
      entry,
      [
        "const { pathToFileURL } = require('node:url');",
        "const { ThreadPoolExecutor, ProcessPoolExecutor, task } = require('concur');",
        'const square = task(pathToFileURL(__filename).href, function square(x) { return x * x; });',
        'exports.square = square;',
        'async function run(Executor) {',
        '  const ex = new Executor({ maxWorkers: 1 });',
        '  try { return { squares: [await ex.submit(square, 3)] }; }',
        '  catch (e) { return { error: { name: e.name, code: e.code, message: e.message } }; }',
        '  finally { await ex.shutdown(); }',
        '}',
        '(async () => {',
        '  const report = { thread: await run(ThreadPoolExecutor), process: await run(ProcessPoolExecutor) };',
        '  console.log(JSON.stringify(report));',
        '})();',
      ].join('\n'),
    );
    const outfile = join(dir, 'cjs-bundle.cjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      nodePaths: [join(project, 'node_modules')],
      logLevel: 'silent',
    });
    const report = runBundle(outfile);
    for (const runtime of ['thread', 'process'] as const) {
      const error = report[runtime].error;
      assert.ok(error !== undefined, `${runtime}: ${JSON.stringify(report[runtime])}`);
      assert.equal(error.name, 'WorkerEntryNotFoundError');
      assert.match(error.message, /import\.meta\.url is undefined/);
      assert.match(error.message, /--external:concur/);
    }
  });
});

describe('an app bundled by esbuild into one ESM file', () => {
  it('with concur external, runs its bundled tasks in threads and processes', async () => {
    const file = await bundle('app.mjs', ['concur']);
    assert.deepEqual(readdirSync(project).sort(), ['app.mjs', 'node_modules']);
    const report = runBundle(file);
    for (const runtime of ['thread', 'process'] as const) {
      assert.deepEqual(report[runtime], {
        squares: [1, 4, 9],
        bytes: [3, 2, 1],
        where: { inWorker: true, moduleUrl: pathToFileURL(file).href },
      });
    }
  });

  it('with concur inlined, every submit rejects with WorkerEntryNotFoundError saying what to do', async () => {
    const file = await bundle('inlined.mjs', []);
    const report = runBundle(file);
    for (const runtime of ['thread', 'process'] as const) {
      const error = report[runtime].error;
      assert.ok(error !== undefined, `${runtime}: ${JSON.stringify(report[runtime])}`);
      assert.equal(error.name, 'WorkerEntryNotFoundError');
      assert.equal(error.code, 'CONCUR_ERR_WORKER_ENTRY');
      assert.match(error.message, new RegExp(`A ${runtime} worker cannot start`));
      assert.ok(error.message.includes(file), error.message);
      assert.match(error.message, /--external:concur/);
      assert.match(error.message, /inWorker\(\)/);
    }
  });
});
