import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asCompleted,
  CancelledError,
  type Future,
  InvalidArgumentError,
  type SettledFuture,
  TimeoutError,
  wait,
} from '../../packages/concur/src/index.ts';
import { add, gate, throwError, touch } from '../fixtures/suite-tasks.ts';
import { fillCapacity, openBlocks, type SuiteContext, withExecutor } from './suite-context.ts';

export function futureTests(ctx: SuiteContext): void {
  describe('asCompleted', () => {
    it('yields every future once, settled, a rejected one without throwing', () =>
      withExecutor(ctx, async (ex) => {
        const futures: Future<unknown>[] = [
          ex.submit(add, 1, 1),
          ex.submit(throwError, 'RangeError', 'x'),
          ex.submit(add, 2, 2),
        ];
        const seen: SettledFuture<unknown>[] = [];
        for await (const future of asCompleted(futures)) {
          assert.equal(future.done, true);
          seen.push(future);
        }
        assert.equal(seen.length, 3);
        assert.deepEqual(new Set(seen), new Set(futures));
        assert.ok(futures[1]!.error instanceof RangeError);
        assert.deepEqual(new Set(seen.map((f) => f.value)), new Set([2, undefined, 4]));
      }));

    if (ctx.capacity >= 2) {
      it('yields in completion order, not submission order', () =>
        withExecutor(ctx, async (ex, scratch) => {
          const slow = ex.submit(gate, scratch.path('slow'), 'slow');
          const fast = ex.submit(add, 1, 1);
          const it = asCompleted<unknown>([slow, fast]);
          const fallback = setTimeout(() => scratch.open('slow'), 20_000);
          const first = await it.next();
          scratch.open('slow');
          clearTimeout(fallback);
          assert.equal(first.value, fast);
          assert.equal((await it.next()).value, slow);
          assert.equal((await it.next()).done, true);
        }));
    }

    it('throws TimeoutError when futures are still pending after timeoutMs', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const stuck = ex.submit(gate, scratch.path('stuck'), 0);
        const it = asCompleted([stuck], { timeoutMs: 30 });
        await assert.rejects(it.next(), TimeoutError);
        scratch.open('stuck');
        assert.equal(await stuck, 0);
      }));
  });

  describe('wait', () => {
    it('returns at the first completed future with FIRST_COMPLETED', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const fast = ex.submit(add, 1, 1);
        const slow = ex.submit(gate, scratch.path('slow'), 0);
        const { done, notDone } = await wait<unknown>([fast, slow], {
          returnWhen: 'FIRST_COMPLETED',
        });
        assert.deepEqual(done, new Set([fast]));
        assert.deepEqual(notDone, new Set([slow]));
        scratch.open('slow');
      }));

    it('returns at the first rejected future with FIRST_EXCEPTION', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const bad = ex.submit(throwError, 'TypeError', 'first');
        const slow = ex.submit(gate, scratch.path('slow'), 0);
        const { done, notDone } = await wait<unknown>([bad, slow], {
          returnWhen: 'FIRST_EXCEPTION',
        });
        assert.ok(done.has(bad));
        assert.ok(notDone.has(slow));
        assert.equal(bad.state, 'rejected');
        scratch.open('slow');
      }));

    it('waits for every future with ALL_COMPLETED, the default', () =>
      withExecutor(ctx, async (ex) => {
        const futures: Future<unknown>[] = [
          ex.submit(add, 1, 1),
          ex.submit(throwError, 'Error', 'x'),
          ex.submit(add, 3, 3),
        ];
        const { done, notDone } = await wait(futures);
        assert.equal(done.size, 3);
        assert.equal(notDone.size, 0);
        const explicit = await wait(futures, { returnWhen: 'ALL_COMPLETED' });
        assert.equal(explicit.done.size, 3);
      }));

    it('returns what has settled when timeoutMs elapses, without throwing', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const stuck = ex.submit(gate, scratch.path('stuck'), 0);
        const { done, notDone } = await wait([stuck], { timeoutMs: 30 });
        assert.equal(done.size, 0);
        assert.deepEqual(notDone, new Set([stuck]));
        scratch.open('stuck');
        await stuck;
      }));

    it('refuses a bad returnWhen with the template message', () =>
      withExecutor(ctx, async () => {
        assert.throws(
          () => wait([], { returnWhen: 'FIRST' as never }),
          (error: unknown) =>
            error instanceof InvalidArgumentError &&
            error.message ===
              "Expected `returnWhen` to be one of 'FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED', got `\"FIRST\"` (string)",
        );
      }));
  });

  describe('cancel', () => {
    it('returns true for a task that has not started, which then never runs', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        const queued = ex.submit(touch, scratch.dir, 1);
        assert.equal(queued.state, 'pending');
        assert.equal(queued.cancel(), true);
        assert.equal(queued.cancel(), true, 'cancelling twice still reports cancelled');
        assert.equal(queued.state, 'cancelled');
        await assert.rejects(queued, CancelledError);
        assert.ok(queued.error instanceof CancelledError);
        openBlocks(scratch, ctx.capacity);
        await Promise.all(blocks);
        assert.equal(await ex.submit(add, 1, 1), 2);
        assert.deepEqual(scratch.touched(), []);
        assert.equal(ex.stats().cancelled, 1);
      }));

    it('returns false once the task is running, and the task completes', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const running = ex.submit(gate, scratch.path('run'), 'done');
        await scratch.started('run');
        assert.equal(running.cancel(), false);
        assert.equal(running.state, 'running');
        scratch.open('run');
        assert.equal(await running, 'done');
        assert.equal(running.cancel(), false, 'a finished future cannot be cancelled');
      }));

    it('returns true right after submit, before the executor picks the task up', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const future = ex.submit(touch, scratch.dir, 7);
        assert.equal(future.cancel(), true);
        await ex.shutdown();
        assert.deepEqual(scratch.touched(), []);
      }));
  });
}
