import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Target e of issue 17: a worker's start loads one bundled file (dist/core.js) behind a
// two-line launcher, and a task module that imports `concur` adds only the one-line
// index.js stub: neither the queue nor the lab, nor any core stub.

const ROOT = new URL('../../', import.meta.url);
const DIST = new URL('packages/concur/dist/', ROOT);
const FIXTURES = new URL('../fixtures/', import.meta.url);

before(() => {
  if (!existsSync(new URL('core.js', DIST))) {
    execFileSync('npm', ['run', 'build'], { cwd: fileURLToPath(ROOT) });
  }
});

/** The file:// URLs the worker loaded, in order, relative to the repository root. */
function workerLoads(runtime: 'thread' | 'process'): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'concur-loads-'));
  const log = join(dir, 'loads.log');
  try {
    // A plain node (no concur-source condition): `concur` resolves to the built package.
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        fileURLToPath(new URL('load-log-register.mjs', FIXTURES)),
        fileURLToPath(new URL('worker-module-loads.mjs', FIXTURES)),
        runtime,
      ],
      { env: { ...process.env, LOAD_LOG: log }, encoding: 'utf8' },
    );
    const workerPid = out.trim();
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]);
    // A thread shares its process's pid: its loads are those from its launcher on.
    const ours =
      runtime === 'process'
        ? lines.filter(([pid]) => pid === workerPid)
        : lines.slice(lines.findIndex(([, url]) => url.endsWith('/thread-entry.js')));
    return ours.map(([, url]) => url.slice(ROOT.href.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a worker of the built package', () => {
  for (const runtime of ['thread', 'process'] as const) {
    it(`loads its launcher, the compile-cache switch, core.js, the task module and index.js and nothing else (${runtime})`, () => {
      assert.deepEqual(workerLoads(runtime), [
        `packages/concur/dist/runtime/entry/${runtime}-entry.js`,
        'packages/concur/dist/runtime/entry/compile-cache.js',
        'packages/concur/dist/core.js',
        'test/fixtures/imports-concur.mjs',
        'packages/concur/dist/index.js',
      ]);
    });
  }

  it('has launchers that turn the compile cache on, then import core.js alone', () => {
    for (const runtime of ['thread', 'process']) {
      const text = readFileSync(new URL(`runtime/entry/${runtime}-entry.js`, DIST), 'utf8');
      const imports = [...text.matchAll(/^import .* from ["']([^"']+)["'];$/gm)].map((m) => m[1]);
      const dynamic = [...text.matchAll(/import\(([^)]+)\)/g)].map((m) => m[1]);
      assert.deepEqual(imports, ['./compile-cache.js'], runtime);
      // Dynamic, so that the compile cache is on before core.js is compiled.
      assert.deepEqual(dynamic, ['"../../core.js"'], runtime);
    }
  });

  // Node 22.1+ has the on-disk compile cache; 20 has not (the workers then skip it).
  const hasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache;
  for (const runtime of ['thread', 'process'] as const) {
    it(`turns Node's compile cache on in its workers (${runtime})`, {
      skip: hasCache !== 'function' && 'this Node has no compile cache',
    }, async () => {
      const concur = await import(new URL('index.js', DIST).href);
      const { compileCacheDir } = await import(
        new URL('../fixtures/built-tasks.mjs', import.meta.url).href
      );
      const Executor =
        runtime === 'thread' ? concur.ThreadPoolExecutor : concur.ProcessPoolExecutor;
      /** The cache directory of a new worker started with these variables set. */
      const askWorker = async (vars: Record<string, string>): Promise<string | undefined> => {
        const saved = Object.keys(vars).map((key) => [key, process.env[key]] as const);
        Object.assign(process.env, vars);
        const pool = new Executor({ maxWorkers: 1 });
        try {
          return await pool.submit(compileCacheDir);
        } finally {
          // Key by key: a new object would leave the real environment as it was set.
          for (const [key, value] of saved) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
          }
          await pool.shutdown();
        }
      };
      const dir = mkdtempSync(join(tmpdir(), 'concur-cache-'));
      const uid = process.getuid?.();
      const own = join(
        dir,
        uid === undefined ? 'concur-compile-cache' : `concur-compile-cache-${uid}`,
      );
      try {
        // By default, a folder of this user's in the temporary folder, which nobody else can write.
        const used = await askWorker({ TMPDIR: dir, TEMP: dir, TMP: dir });
        assert.ok(used?.startsWith(own), `${used} is in ${own}`);
        if (uid !== undefined) assert.equal(statSync(own).mode & 0o777, 0o700);
        assert.ok(readdirSync(own).length > 0, 'the worker wrote its compiled code there');
        // A folder others can write is not used: they could plant code or FIFOs in it.
        if (uid !== undefined) {
          chmodSync(own, 0o777);
          assert.equal(await askWorker({ TMPDIR: dir }), undefined);
          rmSync(own, { recursive: true });
          writeFileSync(own, 'a file, not a folder');
          assert.equal(await askWorker({ TMPDIR: dir }), undefined);
        }
        // NODE_COMPILE_CACHE is the user's choice, used as Node uses it.
        const chosen = join(dir, 'chosen');
        const inChosen = await askWorker({ NODE_COMPILE_CACHE: chosen });
        assert.ok(inChosen?.startsWith(chosen), `${inChosen} is in ${chosen}`);
        // NODE_DISABLE_COMPILE_CACHE turns it off, as it does for Node itself.
        assert.equal(await askWorker({ NODE_DISABLE_COMPILE_CACHE: '1' }), undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
