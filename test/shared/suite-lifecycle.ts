import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CancelledError,
  ExecutorShutdownError,
  type Future,
  InvalidArgumentError,
  InvalidTaskError,
  QueueFullError,
  task,
} from '../../packages/concur/src/index.ts';
import {
  add,
  double,
  gate,
  getPrivateTask,
  makeClosureTask,
  throwError,
  touch,
} from '../fixtures/suite-tasks.ts';
import { waitUntil } from './gates.ts';
import { fillCapacity, openBlocks, type SuiteContext, withExecutor } from './suite-context.ts';

export function lifecycleTests(ctx: SuiteContext): void {
  describe('shutdown', () => {
    it('waits for running and queued tasks, then refuses new work', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        const queued = [1, 2, 3].map((i) => ex.submit(touch, scratch.dir, i));
        let finished = false;
        const closing = ex.shutdown().then(() => {
          finished = true;
        });
        const late = ex.submit(add, 1, 1);
        await assert.rejects(late, (error: unknown) => {
          assert.ok(error instanceof ExecutorShutdownError);
          assert.equal(error.code, 'CONCUR_ERR_SHUTDOWN');
          return true;
        });
        assert.throws(() => ex.map(double, [1]), ExecutorShutdownError);
        assert.throws(() => ex.starmap(add, [[1, 2]]), ExecutorShutdownError);
        assert.equal(finished, false, 'shutdown waits for the running tasks');
        openBlocks(scratch, ctx.capacity);
        await closing;
        assert.deepEqual(await Promise.all(queued), [1, 2, 3]);
        assert.deepEqual(
          await Promise.all(blocks),
          blocks.map((_, i) => i),
        );
        await ex.shutdown();
      }));

    it('with cancelPending cancels queued tasks and lets running ones finish', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        const queued = [1, 2, 3].map((i) => ex.submit(touch, scratch.dir, i));
        const closing = ex.shutdown({ cancelPending: true });
        for (const future of queued) {
          assert.equal(future.state, 'cancelled');
          await assert.rejects(future, CancelledError);
        }
        openBlocks(scratch, ctx.capacity);
        await closing;
        for (const block of blocks) assert.equal(block.state, 'fulfilled');
        assert.deepEqual(scratch.touched(), []);
        assert.equal(ex.stats().cancelled, 3);
      }));

    it('with wait: false returns before running tasks finish; every future still settles', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        await ex.shutdown({ wait: false });
        for (const block of blocks) assert.equal(block.state, 'running');
        openBlocks(scratch, ctx.capacity);
        await Promise.all(blocks);
        await ex.shutdown();
      }));

    it('shuts down through await using', async () => {
      let escaped: Future<number> | undefined;
      {
        await using ex = ctx.factory();
        assert.equal(await ex.submit(add, 2, 2), 4);
        escaped = ex.submit(add, 3, 3);
      }
      assert.equal(await escaped, 6, 'disposal waits for submitted work');
    });

    it('refuses submit after await using disposed it', async () => {
      let kept: ReturnType<typeof ctx.factory> | undefined;
      {
        await using ex = ctx.factory();
        kept = ex;
      }
      await assert.rejects(kept.submit(add, 1, 1), ExecutorShutdownError);
    });
  });

  describe('stats', () => {
    it('counts submitted, completed, failed, cancelled, queued and busy work', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        const queued = ex.submit(add, 1, 2);
        const cancelled = ex.submit(add, 1, 2);
        cancelled.cancel();
        let stats = ex.stats();
        assert.equal(stats.submitted, ctx.capacity + 2);
        assert.equal(stats.queued, 1);
        assert.equal(stats.busyWorkers, ctx.capacity);
        assert.ok(stats.liveWorkers >= 1);
        openBlocks(scratch, ctx.capacity);
        await Promise.all([...blocks, queued]);
        await ex.submit(throwError, 'Error', 'counted').catch(() => {});
        await ex.shutdown();
        stats = ex.stats();
        assert.equal(stats.submitted, ctx.capacity + 3);
        assert.equal(stats.completed, ctx.capacity + 1);
        assert.equal(stats.failed, 1);
        assert.equal(stats.cancelled, 1);
        assert.equal(stats.queued, 0);
        assert.equal(stats.busyWorkers, 0);
        for (const timing of [stats.waitTime, stats.runTime]) {
          assert.ok(Number.isFinite(timing.p50) && timing.p50 >= 0);
          assert.ok(timing.p99 >= timing.p50);
        }
        assert.ok(stats.runTime.p99 > 0, 'the gated tasks took some time');
      }));

    it('counts map items one by one', () =>
      withExecutor(ctx, async (ex) => {
        let n = 0;
        for await (const _ of ex.map(
          double,
          Array.from({ length: 50 }, (_, i) => i),
        ))
          n++;
        assert.equal(n, 50);
        const stats = ex.stats();
        assert.equal(stats.submitted, 50);
        assert.equal(stats.completed, 50);
      }));
  });

  describe('maxQueue', () => {
    it('rejects submit with QueueFullError past maxQueue', () =>
      withExecutor(
        ctx,
        async (ex, scratch) => {
          const blocks = await fillCapacity(ex, scratch, ctx.capacity);
          const queued = ex.submit(add, 1, 1);
          const refused = ex.submit(add, 2, 2);
          await assert.rejects(refused, (error: unknown) => {
            assert.ok(error instanceof QueueFullError);
            assert.equal(error.code, 'CONCUR_ERR_QUEUE_FULL');
            assert.match(error.message, /maxQueue/);
            return true;
          });
          openBlocks(scratch, ctx.capacity);
          await Promise.all(blocks);
          assert.equal(await queued, 2);
          assert.equal(await ex.submit(add, 3, 3), 6, 'accepted again once the queue drains');
        },
        { maxQueue: 1 },
      ));

    it('with maxQueue 0 accepts only what can start at once', () =>
      withExecutor(
        ctx,
        async (ex, scratch) => {
          const blocks = await fillCapacity(ex, scratch, ctx.capacity);
          await assert.rejects(ex.submit(add, 2, 2), QueueFullError);
          openBlocks(scratch, ctx.capacity);
          await Promise.all(blocks);
        },
        { maxQueue: 0 },
      ));
  });

  describe('argument checks', () => {
    it('refuses invalid options at construction with the template message', () => {
      assert.throws(
        () => ctx.factory({ maxQueue: -1 }),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.code === 'CONCUR_ERR_INVALID_ARG' &&
          error.message ===
            'Expected `maxQueue` to be an integer from 0 and up, or Infinity, got `-1` (number)',
      );
      assert.throws(
        () => ctx.factory({ maxQueue: 1.5 }),
        /Expected `maxQueue` to be an integer from 0 and up, or Infinity, got `1.5` \(number\)/,
      );
    });

    it('refuses bad shutdown options', () =>
      withExecutor(ctx, async (ex) => {
        assert.throws(
          () => ex.shutdown({ now: true } as never),
          (error: unknown) =>
            error instanceof InvalidArgumentError && /Unknown option `now`/.test(error.message),
        );
      }));

    it('refuses an anonymous function, a plain function and a closure with InvalidTaskError', () =>
      withExecutor(ctx, async (ex) => {
        assert.throws(
          () => task(import.meta.url, (x: number) => x),
          (error: unknown) =>
            error instanceof InvalidTaskError &&
            error.code === 'CONCUR_ERR_INVALID_TASK' &&
            /named function/.test(error.message),
        );
        for (const fn of [
          function plain(x: number) {
            return x;
          },
          (x: number) => x,
        ]) {
          assert.throws(
            () => ex.submit(fn as never, 1),
            (error: unknown) =>
              error instanceof InvalidTaskError &&
              /needs a task created with task\(\)/.test(error.message) &&
              /import\.meta\.url/.test(error.message),
          );
        }
        const makeAdder = (n: number) =>
          task(import.meta.url, function addN(x: number) {
            return x + n;
          });
        try {
          makeAdder(1);
        } catch {
          // Only the second closure is detectable; another suite in this process may have made the first.
        }
        assert.throws(
          () => makeAdder(2),
          (error: unknown) => error instanceof InvalidTaskError && /closure/.test(error.message),
        );
        assert.throws(
          () => task('tasks.ts', function relative() {}),
          (error: unknown) =>
            error instanceof InvalidTaskError && /absolute path/.test(error.message),
        );
      }));
  });

  describe('the task rule: exported by its module', () => {
    it('refuses a top-level task that is not exported, saying what to write', () =>
      withExecutor(ctx, async (ex) => {
        await assert.rejects(ex.submit(getPrivateTask(), 1), (error: unknown) => {
          assert.ok(error instanceof InvalidTaskError, String(error));
          assert.match(error.message, /suite-tasks\.ts exports no task named `privateTask`/);
          assert.match(
            error.message,
            /Write `export const privateTask = task\(import\.meta\.url, function privateTask/,
          );
          assert.doesNotMatch(error.message, /not inside a function/);
          return true;
        });
        assert.equal(await ex.submit(add, 1, 2), 3, 'the executor still runs exported tasks');
      }));

    it('refuses a closure (made inside a function) with InvalidTaskError, not in a worker', () =>
      withExecutor(ctx, async (ex) => {
        let closure: ReturnType<typeof makeClosureTask>;
        try {
          closure = makeClosureTask(1);
        } catch {
          // Another suite in this process made the first one: task() refuses the second itself.
          return;
        }
        await assert.rejects(
          ex.submit(closure, 1),
          (error: unknown) => error instanceof InvalidTaskError && /closure/.test(error.message),
        );
      }));
  });

  describe('gate fixture', () => {
    it('holds a task until opened (sanity check for the tests above)', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const held = ex.submit(gate, scratch.path('held'), 1);
        await scratch.started('held');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(held.done, false);
        scratch.open('held');
        await waitUntil('the gate opens', () => held.done);
      }));
  });
}
