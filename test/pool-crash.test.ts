import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TaskNotFoundError, WorkerCrashedError } from '../packages/concur/src/index.ts';
import { unreachable } from './fixtures/broken-at-import.ts';
import { exhaustMemory, exitInTask, throwInTimer } from './fixtures/crash-tasks.ts';
import { unloadable } from './fixtures/exits-at-import.ts';
import { add, gate, whoAmI } from './fixtures/suite-tasks.ts';
import { Scratch } from './shared/gates.ts';
import { POOLS, runMany, workerIdFrom } from './shared/pools.ts';

const expected100 = Array.from({ length: 100 }, (_, i) => i * 2);

function assertCrash(error: unknown, runtime: string, workerId: number): WorkerCrashedError {
  assert.ok(
    error instanceof WorkerCrashedError,
    `expected WorkerCrashedError, got ${String(error)}`,
  );
  assert.equal(error.code, 'CONCUR_ERR_WORKER_CRASHED');
  assert.equal(error.runtime, runtime);
  assert.equal(error.workerId, workerId);
  return error;
}

for (const pool of POOLS) {
  describe(`${pool.name} pool crashes`, () => {
    it('a task module that exits the worker at import fails its task once, instead of killing worker after worker', async () => {
      const ex = pool.create({ maxWorkers: 2 });
      const error = await ex.submit(unloadable).catch((e) => e);
      assert.ok(
        error instanceof WorkerCrashedError,
        `expected WorkerCrashedError, got ${String(error)}`,
      );
      assert.equal(error.exitCode, 7);
      assert.match(error.message, /unloadable/);
      // The pool is still usable, and only the workers that really ran were started.
      assert.equal(await ex.submit(add, 2, 3), 5);
      assert.ok(ex.stats().liveWorkers <= 2);
      await ex.shutdown();
    });

    it('process.exit() in a task fails that task with WorkerCrashedError and exit code; the pool recovers', async () => {
      using scratch = new Scratch();
      const ex = pool.create({ maxWorkers: 2 });
      const bystanders = Array.from({ length: 10 }, (_, i) => ex.submit(add, i, 1));
      const error = await ex.submit(exitInTask, scratch.path('mark'), 7).catch((e) => e);
      const crash = assertCrash(error, pool.name, workerIdFrom(scratch.path('mark'), pool.name));
      assert.equal(crash.exitCode, 7);
      assert.match(crash.message, /exitInTask/);
      assert.deepEqual(
        await Promise.all(bystanders),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      assert.deepEqual(await runMany(ex), expected100);
      await ex.shutdown();
    });

    it('an uncaught exception in a timer fails the task with WorkerCrashedError; the pool recovers', async () => {
      using scratch = new Scratch();
      const ex = pool.create({ maxWorkers: 2 });
      const error = await ex.submit(throwInTimer, scratch.path('mark')).catch((e) => e);
      const crash = assertCrash(error, pool.name, workerIdFrom(scratch.path('mark'), pool.name));
      assert.equal(crash.exitCode, 1);
      assert.match(
        String((crash.cause as Error | undefined)?.message ?? crash.message),
        /boom in a timer/,
      );
      assert.deepEqual(await runMany(ex), expected100);
      await ex.shutdown();
    });

    it('a task module that throws at import fails its tasks fast with TaskNotFoundError, no respawn loop', async () => {
      const ex = pool.create({ maxWorkers: 2 });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => ex.submit(unreachable)),
      );
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        const error = (result as PromiseRejectedResult).reason;
        assert.ok(error instanceof TaskNotFoundError, String(error));
        assert.equal(error.code, 'CONCUR_ERR_TASK_NOT_FOUND');
        assert.match(error.message, /broken-at-import/);
        assert.match(String((error.cause as Error)?.message), /refuses to load in a worker/);
      }
      const ids = new Set<number>();
      for (let i = 0; i < 10; i++) {
        const who = await ex.submit(whoAmI);
        ids.add(pool.name === 'thread' ? who.threadId : who.pid);
      }
      assert.ok(ids.size <= 2, `workers were respawned: ${[...ids].join(', ')}`);
      assert.ok(ex.stats().liveWorkers <= 2);
      assert.deepEqual(await runMany(ex), expected100);
      await ex.shutdown();
    });
  });
}

describe('process pool crashes', () => {
  it('SIGKILL from outside fails the running task with WorkerCrashedError and the signal', async () => {
    using scratch = new Scratch();
    const ex = POOLS[1]!.create({ maxWorkers: 2 });
    const victim = ex.submit(gate, scratch.path('victim'), 0);
    await scratch.started('victim');
    const pid = Number(readFileSync(`${scratch.path('victim')}.started`, 'utf8'));
    // Never 0 or 1: process.kill(0) would kill this whole process group.
    assert.ok(pid > 1, `a worker pid, got ${pid}`);
    process.kill(pid, 'SIGKILL');
    const crash = assertCrash(await victim.catch((e) => e), 'process', pid);
    assert.equal(crash.signal, 'SIGKILL');
    assert.deepEqual(await runMany(ex), expected100);
    await ex.shutdown();
  });
});

describe('thread pool crashes', () => {
  it('running out of memory under resourceLimits fails the task with WorkerCrashedError', async () => {
    using scratch = new Scratch();
    const ex = POOLS[0]!.create({
      maxWorkers: 2,
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    });
    const error = await ex.submit(exhaustMemory, scratch.path('mark')).catch((e) => e);
    assertCrash(error, 'thread', workerIdFrom(scratch.path('mark'), 'thread'));
    assert.match(
      `${(error as Error).message} ${String((error as Error).cause)}`,
      /memory/i,
      'the error says the worker ran out of memory',
    );
    assert.deepEqual(await runMany(ex), expected100);
    await ex.shutdown();
  });
});
