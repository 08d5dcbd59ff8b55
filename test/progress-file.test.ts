import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcessPoolExecutor, WorkerCrashedError } from '../packages/concur/src/index.ts';
import {
  PROGRESS_FD,
  ProgressFile,
  progressWriter,
} from '../packages/concur/src/runtime/progress-file.ts';
import { exitInTask } from './fixtures/crash-tasks.ts';
import { add } from './fixtures/suite-tasks.ts';
import { Scratch } from './shared/gates.ts';
import { runMany } from './shared/pools.ts';

const WRITER = fileURLToPath(new URL('./fixtures/progress-writer.ts', import.meta.url));

describe('progress file (a child process counts the jobs it started)', () => {
  it('the parent reads the last count a child wrote, even when the child is killed right after', async () => {
    const progress = new ProgressFile();
    try {
      const child = fork(WRITER, ['3'], {
        stdio: ['inherit', 'inherit', 'inherit', 'ignore', 'ignore', 'ipc', progress.fd],
      });
      const [code, signal] = await once(child, 'exit');
      assert.equal(signal, 'SIGKILL', `the writer exited with code ${code}`);
      assert.equal(progress.read(), 3);
    } finally {
      progress.close();
    }
    // A closed file reads as no progress rather than throwing on a reused descriptor.
    assert.equal(progress.read(), 0);
    assert.equal(PROGRESS_FD, 6);
  });

  /**
   * After tiny tasks, the pool sends jobs in batches: the worker dies at the job that exits,
   * and the jobs behind it in its batch, never started, must run elsewhere, once each.
   */
  async function crashInBatch(scratch: Scratch, env?: NodeJS.ProcessEnv): Promise<void> {
    const ex = new ProcessPoolExecutor(
      env === undefined ? { maxWorkers: 1 } : { maxWorkers: 1, env },
    );
    try {
      assert.equal((await runMany(ex)).length, 100);
      const before = Array.from({ length: 20 }, (_, i) => ex.submit(add, i, 0).catch((e) => e));
      const crash = ex.submit(exitInTask, scratch.path('mark'), 7).catch((e) => e);
      const after = Array.from({ length: 5 }, (_, i) => ex.submit(add, i, 1));
      const error = await crash;
      assert.ok(error instanceof WorkerCrashedError, `expected WorkerCrashedError, got ${error}`);
      assert.equal(error.exitCode, 7);
      assert.deepEqual(await Promise.all(after), [1, 2, 3, 4, 5]);
      for (const [i, outcome] of (await Promise.all(before)).entries()) {
        // Results the worker had not sent yet died with it; the others are right.
        if (outcome instanceof WorkerCrashedError) continue;
        assert.equal(outcome, i);
      }
      assert.equal(readFileSync(scratch.path('mark'), 'utf8').length > 0, true);
    } finally {
      await ex.shutdown();
    }
  }

  it('a crash in a batch fails the job that ran and sends the ones behind it again', async () => {
    using scratch = new Scratch();
    await crashInBatch(scratch);
  });

  it('a child whose write to the file fails (a full disk) counts on in Started frames', () => {
    using scratch = new Scratch();
    const path = scratch.path('read-only');
    writeFileSync(path, '');
    // Opened for reading only: every write fails, as one on a full disk does.
    const fd = openSync(path, 'r');
    try {
      const frames: number[] = [];
      const write = progressWriter(fd, (count) => frames.push(count));
      write(1);
      write(2);
      assert.deepEqual(frames, [1, 2]);
    } finally {
      closeSync(fd);
    }
  });

  it('with no temporary folder for the file, workers count in Started frames, with the same outcome', async () => {
    using scratch = new Scratch();
    const saved = process.env.TMPDIR;
    // The workers keep our environment (tsx caches its output in their temporary folder)...
    const env = { ...process.env };
    // ...while here os.tmpdir(), which reads TMPDIR at each call, names a file: no progress file.
    const notAFolder = scratch.path('not-a-folder');
    writeFileSync(notAFolder, '');
    process.env.TMPDIR = notAFolder;
    try {
      await crashInBatch(scratch, env);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
