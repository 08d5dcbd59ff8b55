import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  AsyncExecutor,
  DataCloneError,
  InvalidArgumentError,
  InvalidTaskError,
  ProcessPoolExecutor,
  SequentialExecutor,
  ThreadPoolExecutor,
  WorkerCrashedError,
} from '../packages/concur/src/index.ts';
import { failInit, failInitNoted, initWorker, readInit } from './fixtures/crash-tasks.ts';
import { add, gate, whoAmI } from './fixtures/suite-tasks.ts';
import { Scratch, waitUntil } from './shared/gates.ts';
import { POOLS, runMany } from './shared/pools.ts';

for (const pool of POOLS) {
  const idOf = (who: { pid: number; threadId: number }) =>
    pool.name === 'thread' ? who.threadId : who.pid;

  describe(`${pool.name} pool options`, () => {
    it('after tiny tasks, keeps long ones in the pool, not inside a busy worker, so a free worker takes the next', async () => {
      const ex = pool.create({ maxWorkers: 2, minWorkers: 2 });
      using scratch = new Scratch();
      try {
        // Tiny tasks teach the pool that tasks are short enough to queue ahead inside workers...
        for (let round = 0; round < 3; round++) await runMany(ex, 64);
        // ...then 8 long ones (each holds its worker until the test opens its gate).
        const names = Array.from({ length: 8 }, (_, i) => `long-${i}`);
        const futures = names.map((name, i) => ex.submit(gate, scratch.path(name), i));
        const started = () => names.filter((name) => scratch.hasStarted(name));
        await waitUntil('both workers run a long task', () => started().length === 2);
        // Queued ahead inside a worker, they would wait there while the other worker frees up
        // (after 16 tiny warm-ups, one of two workers once got 13 of 16 long searches).
        assert.equal(ex.stats().queued, 6, 'the 6 others wait in the pool');
        const opened = new Set<string>();
        for (let done = 1; done <= 6; done++) {
          // Finish one running task: its worker takes exactly one more, the other stays busy.
          const running = started().find((name) => !opened.has(name))!;
          opened.add(running);
          scratch.open(running);
          await waitUntil(`task ${done + 2} starts`, () => started().length === done + 2);
          assert.equal(ex.stats().queued, 6 - done, `after ${done} finished`);
        }
        scratch.openAll();
        assert.deepEqual(await Promise.all(futures), [0, 1, 2, 3, 4, 5, 6, 7]);
      } finally {
        scratch.openAll();
        await ex.shutdown();
      }
    });

    it('runs the initializer with initArgs once in each new worker', async () => {
      const ex = pool.create({
        maxWorkers: 1,
        maxTasksPerWorker: 2,
        initializer: initWorker,
        initArgs: ['db', 42],
      });
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await ex.submit(readInit));
      for (const s of seen) {
        assert.equal(s.initialized, 'db-42');
        assert.equal(s.initCount, 1, 'once per worker');
      }
      assert.equal(new Set(seen.map(idOf)).size, 2, 'two workers, recycled after 2 tasks each');
      await ex.shutdown();
    });

    it('fails queued tasks with WorkerCrashedError when the initializer throws, without a respawn loop', async () => {
      const ex = pool.create({ maxWorkers: 2, initializer: failInit });
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => ex.submit(add, 1, 1)),
      );
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        const error = (result as PromiseRejectedResult).reason;
        assert.ok(error instanceof WorkerCrashedError, String(error));
        assert.match(error.message, /initializer threw: cannot connect to the database/);
        assert.ok(error.cause instanceof RangeError);
      }
      await ex.shutdown();
      assert.equal(ex.stats().liveWorkers, 0);
    });

    it('with minWorkers, does not start workers again and again while the initializer throws', async () => {
      using scratch = new Scratch();
      const starts = scratch.path('starts');
      writeFileSync(starts, '');
      const count = () => readFileSync(starts, 'utf8').split('\n').filter(Boolean).length;
      const ex = pool.create({
        maxWorkers: 2,
        minWorkers: 2,
        initializer: failInitNoted,
        initArgs: [starts],
      });
      try {
        await waitUntil('the first two workers try to start', () => count() >= 2);
        // A pool that kept minWorkers up would replace each failed worker at once: it would
        // never be left with none.
        await waitUntil('the failed workers are gone, and none replaces them', () => {
          return ex.stats().liveWorkers === 0;
        });
        assert.equal(count(), 2, 'no worker started on its own after the failed starts');
        // A task still gets its try, and fails at once with the cause.
        const error = await ex.submit(add, 1, 1).catch((e: unknown) => e);
        assert.ok(error instanceof WorkerCrashedError, String(error));
        assert.match(error.message, /initializer threw/);
        // That try was one worker, and again none replaces it.
        await waitUntil('the worker started for the task is gone too', () => {
          return ex.stats().liveWorkers === 0;
        });
        assert.ok(count() <= 4, `${count()} starts`);
      } finally {
        await ex.shutdown();
      }
      assert.equal(ex.stats().liveWorkers, 0);
    });

    it('refuses initArgs that cannot be sent with DataCloneError from the constructor, starting no worker', () => {
      const before = workerChildren();
      // A function, and for processes a SharedArrayBuffer (it is shared only between threads).
      const cases: unknown[][] = [[() => 1, 0]];
      if (pool.name === 'process') cases.push([new SharedArrayBuffer(8)]);
      for (const initArgs of cases) {
        assert.throws(
          () => pool.create({ maxWorkers: 1, minWorkers: 1, initializer: initWorker, initArgs }),
          (error: unknown) => {
            // concur's own error on both runtimes (a thread pool used to pass on the platform's).
            assert.ok(error instanceof DataCloneError, String(error));
            assert.equal(error.code, 'CONCUR_ERR_DATA_CLONE');
            assert.match(
              error.message,
              new RegExp(`initArgs of this pool cannot be sent to a ${pool.name} worker`),
            );
            return true;
          },
        );
      }
      assert.deepEqual(
        workerChildren().filter((pid) => !before.includes(pid)),
        [],
      );
      // A revoked Proxy in place of the array: the usual message, not a TypeError.
      const { proxy, revoke } = Proxy.revocable([], {});
      revoke();
      assert.throws(
        () => pool.create({ initArgs: proxy }),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          /Expected `initArgs` to be an array, got `\[an object that cannot be read\]`/.test(
            error.message,
          ),
      );
    });

    it('refuses initArgs that throw when read with DataCloneError from the constructor', () => {
      const thrown = new Error('unreadable');
      const initArgs = [
        {
          get g() {
            throw thrown;
          },
        },
      ];
      assert.throws(
        () => pool.create({ maxWorkers: 1, initializer: initWorker, initArgs }),
        (error: unknown) => {
          assert.ok(error instanceof DataCloneError, String(error));
          assert.match(error.message, /initArgs of this pool .* reading them threw: unreadable/);
          assert.equal(error.cause, thrown);
          return true;
        },
      );
    });

    it('recycles a worker after maxTasksPerWorker tasks', async () => {
      const ex = pool.create({ maxWorkers: 1, maxTasksPerWorker: 3 });
      const ids: number[] = [];
      for (let i = 0; i < 9; i++) ids.push(idOf(await ex.submit(whoAmI)));
      assert.equal(new Set(ids).size, 3, `ids ${ids.join(', ')}`);
      assert.deepEqual(ids.slice(0, 3), [ids[0], ids[0], ids[0]]);
      assert.deepEqual(
        await runMany(ex, 20),
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
      await ex.shutdown();
    });

    it('runs concurrencyPerWorker async tasks at once inside one worker', async () => {
      using scratch = new Scratch();
      const ex = pool.create({ maxWorkers: 1, concurrencyPerWorker: 3 });
      const futures = [0, 1, 2].map((i) => ex.submit(gate, scratch.path(`g${i}`), i));
      for (const i of [0, 1, 2]) await scratch.started(`g${i}`);
      assert.equal(ex.stats().liveWorkers, 1);
      for (const i of [0, 1, 2]) scratch.open(`g${i}`);
      assert.deepEqual(await Promise.all(futures), [0, 1, 2]);
      await ex.shutdown();
    });

    it('keeps minWorkers alive and stops the others after idleTimeoutMs', async () => {
      using scratch = new Scratch();
      const ex = pool.create({ maxWorkers: 2, minWorkers: 1, idleTimeoutMs: 50 });
      assert.equal(ex.stats().liveWorkers, 1, 'minWorkers start at construction');
      const futures = [0, 1].map((i) => ex.submit(gate, scratch.path(`g${i}`), i));
      await scratch.started('g0');
      await scratch.started('g1');
      assert.equal(ex.stats().liveWorkers, 2);
      scratch.open('g0');
      scratch.open('g1');
      await Promise.all(futures);
      await waitUntil('the extra worker idles out', () => ex.stats().liveWorkers === 1);
      assert.equal(await ex.submit(add, 1, 1), 2);
      await ex.shutdown();
      assert.equal(ex.stats().liveWorkers, 0);
    });

    it('stops every idle worker after idleTimeoutMs when minWorkers is 0', async () => {
      const ex = pool.create({ maxWorkers: 2, idleTimeoutMs: 20 });
      await runMany(ex, 10);
      await waitUntil('every worker idles out', () => ex.stats().liveWorkers === 0);
      assert.equal(await ex.submit(add, 2, 2), 4, 'a new worker starts on demand');
      await ex.shutdown();
    });

    it('refuses invalid options with InvalidArgumentError and the template message', () => {
      const cases: [object, string][] = [
        [
          { maxWorkers: 0 },
          'Expected `maxWorkers` to be an integer from 1 and up, got `0` (number)',
        ],
        [
          { maxWorkers: '4' },
          'Expected `maxWorkers` to be an integer from 1 and up, got `"4"` (string)',
        ],
        [
          { minWorkers: -1 },
          'Expected `minWorkers` to be an integer from 0 and up, got `-1` (number)',
        ],
        [
          { maxWorkers: 2, minWorkers: 3 },
          'Expected `minWorkers` to be an integer from 0 to maxWorkers (2), got `3` (number)',
        ],
        [
          { idleTimeoutMs: -5 },
          'Expected `idleTimeoutMs` to be a number from 0 to 2147483647 (about 24.8 days; leave it out for no timeout), got `-5` (number)',
        ],
        [
          { maxTasksPerWorker: 0 },
          'Expected `maxTasksPerWorker` to be an integer from 1 and up, or Infinity, got `0` (number)',
        ],
        [
          { concurrencyPerWorker: 0 },
          'Expected `concurrencyPerWorker` to be an integer from 1 and up, got `0` (number)',
        ],
        [{ initArgs: 'x' }, 'Expected `initArgs` to be an array, got `"x"` (string)'],
      ];
      for (const [options, message] of cases) {
        assert.throws(
          () => pool.create(options),
          (error: unknown) => {
            assert.ok(error instanceof InvalidArgumentError, String(error));
            assert.equal(error.message, message);
            return true;
          },
        );
      }
      assert.throws(() => pool.create({ workers: 2 } as never), /Unknown option `workers`/);
      assert.throws(
        () => pool.create({ initializer: (() => {}) as never }),
        (error: unknown) => error instanceof InvalidTaskError,
      );
    });
  });
}

describe('runtime-specific options', () => {
  it('ThreadPoolExecutor refuses execArgv, ProcessPoolExecutor refuses resourceLimits', () => {
    assert.throws(
      () => new ThreadPoolExecutor({ execArgv: [] } as never),
      /Unknown option `execArgv`.*`execArgv` is an option of ProcessPoolExecutor$/,
    );
    assert.throws(
      () => new ProcessPoolExecutor({ resourceLimits: {} } as never),
      /Unknown option `resourceLimits`.*`resourceLimits` is an option of ThreadPoolExecutor$/,
    );
    assert.throws(
      () => new ThreadPoolExecutor({ concurrency: 4 } as never),
      /`concurrency` is an option of AsyncExecutor; ThreadPoolExecutor runs `maxWorkers` workers of `concurrencyPerWorker` tasks each$/,
    );
    assert.throws(
      () => new ProcessPoolExecutor({ execArgv: [1] as never }),
      /Expected `execArgv` to be an array of strings/,
    );
  });

  it('the in-process executors name the pools that take a pool option, and their own limit', () => {
    assert.throws(
      () => new SequentialExecutor({ maxWorkers: 4 } as never),
      (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.match(
          error.message,
          /`maxWorkers` is an option of ThreadPoolExecutor and ProcessPoolExecutor; SequentialExecutor runs one task at a time/,
        );
        return true;
      },
    );
    assert.throws(
      () => new AsyncExecutor({ execArgv: [] } as never),
      /`execArgv` is an option of ProcessPoolExecutor; AsyncExecutor limits the tasks at once with `concurrency`/,
    );
    // A typo is not a pool option: the list of known options is all it gets.
    assert.throws(
      () => new AsyncExecutor({ concurency: 2 } as never),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.message ===
          'Unknown option `concurency` for AsyncExecutor; expected one of `concurrency`, `maxQueue`, `callSites`',
    );
  });

  it('ProcessPoolExecutor passes env to its children', async () => {
    const ex = new ProcessPoolExecutor({
      maxWorkers: 1,
      env: { ...process.env, CONCUR_TEST_ENV: 'yes' },
    });
    const { readEnv } = await import('./fixtures/env-task.ts');
    assert.equal(await ex.submit(readEnv, 'CONCUR_TEST_ENV'), 'yes');
    await ex.shutdown();
  });
});

/** This process's children that run a concur process worker (Linux; none elsewhere). */
function workerChildren(): number[] {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc/self/task').flatMap((tid) => {
    const children = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ');
    return children
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('process-entry');
        } catch {
          return false;
        }
      });
  });
}
