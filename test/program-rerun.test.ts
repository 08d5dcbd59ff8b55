import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A program file that is also its own task module re-runs in every worker that imports
// it. Unguarded, each worker used to start pools of its own, whose workers did the same,
// without end. The fixture is run as a program, under threads and processes.

const PROGRAM = fileURLToPath(new URL('./fixtures/program-rerun.ts', import.meta.url));
const WARNING = 'CONCUR_WARN_PROGRAM_RERUN';
/** A liveness guard, not a timing: the program must end by itself, and a program that starts workers without end never does. */
const DEADLINE_MS = 120_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(runtime: string, guard: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=concur-source', PROGRAM],
      {
        env: { ...process.env, RERUN_RUNTIME: runtime, RERUN_GUARD: guard },
        timeout: DEADLINE_MS,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function lines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as unknown);
}

const RESULTS = { results: [2, 4, 6, 8, 10, 12] };
const REFUSED = { refused: { name: 'ProgramRerunError', code: 'CONCUR_ERR_PROGRAM_RERUN' } };

for (const runtime of ['thread', 'process']) {
  describe(`a program that is its own task module, under ${runtime}s`, () => {
    it('guarded by if (!inWorker()): runs once, no warning', async () => {
      const { code, stdout, stderr } = await run(runtime, 'guarded');
      assert.equal(code, 0, stderr);
      assert.deepEqual(lines(stdout), [RESULTS]);
      assert.equal(count(stderr, WARNING), 0, stderr);
    });

    it('unguarded: the parent warns exactly once, and pools made in workers refuse tasks', async () => {
      const { code, stdout, stderr } = await run(runtime, 'unguarded');
      assert.equal(code, 0, stderr);
      assert.equal(count(stderr, WARNING), 1, stderr);
      assert.match(stderr, /program-rerun\.ts is both this program and a module of its tasks/);
      assert.match(stderr, /inside `if \(!inWorker\(\)\) \{ \.\.\. \}`/);
      // The parent's program gets its results; each of its 2 workers re-ran the program
      // once, and the pool it made there refused its tasks instead of starting workers.
      const out = lines(stdout);
      assert.deepEqual(
        out.filter((line) => 'results' in (line as object)),
        [RESULTS],
      );
      const refused = out.filter((line) => 'refused' in (line as object));
      assert.ok(refused.length >= 1 && refused.length <= 2, stdout);
      for (const line of refused) assert.deepEqual(line, REFUSED);
    });

    it('unguarded, awaiting at the top level: the task fails saying why, after one warning', async () => {
      const { code, stderr } = await run(runtime, 'uncaught');
      assert.equal(code, 1, stderr);
      assert.equal(count(stderr, WARNING), 1, stderr);
      assert.match(stderr, /TaskNotFoundError: The worker could not import .*program-rerun\.ts/);
      assert.match(stderr, /the program is running again inside the worker/);
      assert.match(stderr, /code: 'CONCUR_ERR_PROGRAM_RERUN'/);
    });
  });
}
