import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ensureBuilt,
  lastJsonLine,
  ROOT,
  runNode,
  TempDirs,
  userProject,
} from './shared/user-project.ts';

// TypeScript task modules as users run them on Node 22.18+, 24 and 26, where `node main.ts`
// strips types without tsx, and on Node 20, where only tsx runs them. Each program runs in a
// folder of its own under the OS temp dir, so no node_modules above it can lend it tsx.

const TSX = join(ROOT, 'node_modules/tsx');
const temps = new TempDirs();

// process.features.typescript is 'strip' or 'transform' where Node runs .ts files itself
// (22.18+ and 23.6+ by default), false or absent before.
const typescript = (process.features as { typescript?: string | false }).typescript;
const cannotStrip = typescript
  ? false
  : `Node ${process.version} cannot strip TypeScript types (it does by default from 22.18 and 23.6)`;

/** A project folder with concur installed as a copy of the build: no tsx reachable from it. */
const projectWithoutTsx = (fixture: string): string =>
  userProject(temps, { type: 'module', concur: 'copy', fixture });

const projectWithTsx = (fixture: string): string =>
  userProject(temps, { type: 'module', concur: 'copy', tsx: true, fixture });

const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): unknown =>
  lastJsonLine(runNode(cwd, args, { env }).stdout);

const EXPECTED = { counts: [4, 25, 168], where: { inWorker: true, extension: '.ts' } };

before(() => ensureBuilt());

after(() => temps.removeAll());

// Skipped test by test, so that the runner's closing count shows the skips.
describe("TypeScript task modules on Node's own type stripping (node main.ts)", () => {
  it('runs them in threads and processes with no tsx installed', { skip: cannotStrip }, () => {
    const dir = projectWithoutTsx('ts-program');
    assert.deepEqual(readdirSync(join(dir, 'node_modules')), ['concur']);
    assert.deepEqual(run(dir, ['main.ts']), { thread: EXPECTED, process: EXPECTED });
  });

  it('runs them in threads and processes with tsx installed but not loaded', {
    skip: cannotStrip,
  }, () => {
    const dir = projectWithTsx('ts-program');
    assert.deepEqual(run(dir, ['main.ts']), { thread: EXPECTED, process: EXPECTED });
  });
});

describe('a task module only tsx compiles (an enum), tsx registered by its API in the main thread', () => {
  // Node 20 knows no .ts files in the workers; 22.18+ strips types there but refuses the enum.
  // Either way the workers must register tsx as the main thread did.
  it('runs in threads and processes', () => {
    const dir = projectWithTsx('ts-enum-program');
    assert.deepEqual(run(dir, ['boot.mjs']), { thread: 9, process: 9 });
  });

  it('fails the task, saying to install tsx, when the workers cannot find tsx', () => {
    // The main thread loads tsx from outside the project, which the workers do not look in.
    const dir = projectWithoutTsx('ts-enum-program');
    const api = pathToFileURL(join(TSX, 'dist/esm/api/index.mjs')).href;
    const report = run(dir, ['boot.mjs'], { ...process.env, TSX_API: api }) as Record<
      string,
      string
    >;
    for (const runtime of ['thread', 'process']) {
      assert.match(report[runtime]!, /could not import .*tasks\.ts to run task `square`/);
      assert.match(report[runtime]!, /install tsx in your project, `npm install -D tsx`/);
    }
  });
});
