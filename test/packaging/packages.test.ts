import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runNode as runProgram, TempDirs } from '../shared/user-project.ts';

// Each package packed as `npm publish` would, and installed into an empty folder as a
// user would: what arrives in node_modules, and whether the quick start runs from it.
// The installs reach the npm registry for the queue's and the lab's own dependencies
// (npm's cache makes repeats cheap, but nothing here relies on it being warm).

const temps = new TempDirs();

interface Packed {
  file: string;
  unpackedSize: number;
}
const packed = new Map<string, Packed>();

const tempDir = (): string => temps.make('concur-pkg-');

function npm(cwd: string, args: string[]): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A new app folder with the given packed packages installed; returns npm's stderr too. */
function installApp(names: string[]): { dir: string; warnings: string } {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  const result = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', ...names.map((n) => packed.get(n)!.file)],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, `npm install failed:\n${result.stderr}`);
  return { dir, warnings: result.stderr };
}

/** The packages npm installed, by name. */
function installed(dir: string): string[] {
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lock.packages)
    .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .sort();
}

const runNode = (cwd: string, args: string[]): string => runProgram(cwd, args).stdout;

before(() => {
  const dest = tempDir();
  for (const name of ['concur', 'concur-queue', 'concur-lab']) {
    const [info] = JSON.parse(
      npm(ROOT, ['pack', '--json', '--workspace', name, '--pack-destination', dest]),
    ) as [{ filename: string; unpackedSize: number }];
    packed.set(name, { file: join(dest, info.filename), unpackedSize: info.unpackedSize });
  }
});

after(() => {
  temps.removeAll();
});

describe('the packed packages', () => {
  it('concur installs as one package of under 500 KB, with no engine warning', () => {
    assert.ok(
      packed.get('concur')!.unpackedSize < 500_000,
      `concur unpacks to ${packed.get('concur')!.unpackedSize} bytes`,
    );
    const { dir, warnings } = installApp(['concur']);
    assert.deepEqual(installed(dir), ['concur']);
    assert.doesNotMatch(warnings, /EBADENGINE/);
    assert.ok(!existsSync(join(dir, 'node_modules/concur/src')), 'ships dist/, not the sources');
    const maps = spawnSync('find', [join(dir, 'node_modules/concur'), '-name', '*.map']);
    assert.equal(maps.stdout.toString(), '', 'ships no source maps that point at missing sources');

    writeFileSync(
      join(dir, 'tasks.mjs'),
      [
        "import { task } from 'concur';",
        'export const square = task(import.meta.url, function square(x) { return x * x; });',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'main.mjs'),
      [
        "import { ProcessPoolExecutor, ThreadPoolExecutor } from 'concur';",
        "import { square } from './tasks.mjs';",
        'const out = {};',
        'for (const Executor of [ThreadPoolExecutor, ProcessPoolExecutor]) {',
        '  const pool = new Executor({ maxWorkers: 2 });',
        '  const squares = [];',
        '  try {',
        '    for await (const value of pool.map(square, [1, 2, 3, 4])) squares.push(value);',
        '  } finally {',
        '    await pool.shutdown();',
        '  }',
        '  out[Executor.name] = squares;',
        '}',
        'console.log(JSON.stringify(out));',
      ].join('\n'),
    );
    assert.deepEqual(JSON.parse(runNode(dir, ['main.mjs'])), {
      ThreadPoolExecutor: [1, 4, 9, 16],
      ProcessPoolExecutor: [1, 4, 9, 16],
    });

    // The same from CommonJS: require('concur'), task(__filename), and the same classes as import.
    writeFileSync(
      join(dir, 'tasks.cjs'),
      [
        "const { task } = require('concur');",
        'exports.square = task(__filename, function square(x) { return x * x; });',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'main.cjs'),
      [
        "const { Future, ProcessPoolExecutor, ThreadPoolExecutor } = require('concur');",
        "const { square } = require('./tasks.cjs');",
        'async function main() {',
        "  const out = { sameFuture: (await import('concur')).Future === Future };",
        '  for (const Executor of [ThreadPoolExecutor, ProcessPoolExecutor]) {',
        '    const pool = new Executor({ maxWorkers: 2 });',
        '    try {',
        '      out[Executor.name] = await Promise.all([1, 2, 3, 4].map((x) => pool.submit(square, x)));',
        '    } finally {',
        '      await pool.shutdown();',
        '    }',
        '  }',
        '  console.log(JSON.stringify(out));',
        '}',
        'main();',
      ].join('\n'),
    );
    assert.deepEqual(JSON.parse(runNode(dir, ['main.cjs'])), {
      sameFuture: true,
      ThreadPoolExecutor: [1, 4, 9, 16],
      ProcessPoolExecutor: [1, 4, 9, 16],
    });
    // TypeScript in a CommonJS file (module node16) finds declarations it may require().
    writeFileSync(
      join(dir, 'check.cts'),
      [
        "import { type Future, task } from 'concur';",
        'export const half = task(__filename, function half(x: number): number { return x / 2; });',
        'export type Half = Future<number>;',
      ].join('\n'),
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--module',
        'node16',
        '--strict',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        'check.cts',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  });

  it('concur-queue brings bullmq and ioredis, and nothing of the lab', () => {
    const { dir, warnings } = installApp(['concur', 'concur-queue']);
    const names = installed(dir);
    for (const name of ['concur', 'concur-queue', 'bullmq', 'ioredis']) {
      assert.ok(names.includes(name), `${name} is installed`);
    }
    assert.ok(!names.some((n) => n.startsWith('vega') || n === 'concur-lab'), names.join(' '));
    assert.doesNotMatch(warnings, /EBADENGINE/);
    const out = runNode(dir, [
      '--input-type=module',
      '-e',
      "const q = await import('concur-queue'); const c = await import('concur'); console.log(typeof q.QueueExecutor, q.QueueBackendError === c.QueueBackendError);",
    ]);
    assert.equal(out.trim(), 'function true');
    const required = runNode(dir, [
      '--input-type=commonjs',
      '-e',
      "const q = require('concur-queue'); import('concur').then((c) => console.log(typeof q.QueueExecutor, q.QueueBackendError === c.QueueBackendError));",
    ]);
    assert.equal(required.trim(), 'function true', 'require() gets the same classes as import');
    const bin = spawnSync(join(dir, 'node_modules/.bin/concur-worker'), ['--help'], {
      encoding: 'utf8',
    });
    assert.equal(bin.status, 0, bin.stderr);
    assert.match(bin.stdout, /Usage: concur worker/);
  });

  it('concur-lab brings its charts, not the queue, and its bin says what to install for a worker', () => {
    const { dir, warnings } = installApp(['concur', 'concur-lab']);
    const names = installed(dir);
    assert.ok(names.includes('vega-lite'));
    assert.ok(!names.includes('bullmq') && !names.includes('concur-queue'), names.join(' '));
    assert.doesNotMatch(warnings, /EBADENGINE/);
    const bin = join(dir, 'node_modules/.bin/concur');
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: concur <command>/);
    const structures = spawnSync(
      bin,
      ['structures', '--size', '2000', '--lookups', '20', '--json'],
      {
        encoding: 'utf8',
        cwd: dir,
      },
    );
    assert.equal(structures.status, 0, structures.stderr);
    assert.ok(JSON.parse(structures.stdout));
    const worker = spawnSync(bin, ['worker', '--help'], { encoding: 'utf8' });
    assert.notEqual(worker.status, 0);
    assert.match(worker.stderr, /npm install concur-queue/);
  });
});
