import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The build bundles the core into dist/core.js and leaves stubs where tsc wrote each core
// module (scripts/bundle-core.mjs). These tests check what that must keep true.

const DIST = new URL('../../packages/concur/dist/', import.meta.url);

before(() => {
  if (!existsSync(new URL('core.js', DIST))) {
    execFileSync('npm', ['run', 'build'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
  }
});

describe('the built package', () => {
  it('has one copy of each core class, whichever path imports it', async () => {
    const barrel = await import(new URL('index.js', DIST).href);
    const future = await import(new URL('future/future.js', DIST).href);
    const executor = await import(new URL('executors/base-executor.js', DIST).href);
    const core = await import(new URL('core.js', DIST).href);
    assert.equal(barrel.Future, future.Future);
    assert.equal(barrel.Future, core.Future);
    assert.equal(executor.BaseExecutor, core.BaseExecutor);
    assert.equal(barrel.ThreadPoolExecutor, core.ThreadPoolExecutor);
  });

  it('keeps every core module as a stub that only re-exports from core.js', () => {
    for (const path of ['index.js', 'future/future.js', 'pool/pool.js', 'runtime/wire.js']) {
      const text = readFileSync(new URL(path, DIST), 'utf8');
      assert.match(text, /^export \{ [\w, ]+ \} from "(\.\.\/)*(\.\/)?core\.js";\n$/, path);
    }
  });

  it('reads Node built-ins without ES imports, which cost a worker ~4 ms of facades', () => {
    const core = readFileSync(new URL('core.js', DIST), 'utf8');
    const esImports = [...core.matchAll(/^import .* from "(node:[\w/]+)";$/gm)].map((m) => m[1]);
    // One: the fallback for Node before 20.16, which has no process.getBuiltinModule.
    assert.deepEqual(esImports, ['node:module']);
    assert.match(core, /__concurBuiltin\("node:fs"\)/);
  });

  it('starts workers from the entries next to the bundle', async () => {
    const { ThreadPoolExecutor, ProcessPoolExecutor, inWorker } = await import(
      new URL('index.js', DIST).href
    );
    const { where } = await import(new URL('../fixtures/built-tasks.mjs', import.meta.url).href);
    for (const Executor of [ThreadPoolExecutor, ProcessPoolExecutor]) {
      const pool = new Executor({ maxWorkers: 1 });
      try {
        assert.deepEqual(await pool.submit(where), { inWorker: true });
      } finally {
        await pool.shutdown();
      }
    }
    assert.equal(inWorker(), false);
  });
});
