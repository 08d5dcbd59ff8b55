import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbortError, InvalidArgumentError, TimeoutError } from '../../packages/concur/src/index.ts';
import {
  abortLog,
  add,
  asyncDouble,
  awaitAbort,
  type ErrorKind,
  echo,
  gate,
  rejectAsync,
  spin,
  throwError,
  touch,
} from '../fixtures/suite-tasks.ts';
import { waitUntil } from './gates.ts';
import {
  fillCapacity,
  fillHeldAhead,
  openAll,
  openBlocks,
  type SuiteContext,
  withExecutor,
} from './suite-context.ts';

const BUILT_INS = { TypeError, RangeError, SyntaxError, Error } as const;

export function submitTests(ctx: SuiteContext): void {
  describe('submit', () => {
    it('resolves the values of sync and async tasks, structured data included', () =>
      withExecutor(ctx, async (ex) => {
        assert.equal(await ex.submit(add, 2, 3), 5);
        assert.equal(await ex.submit(asyncDouble, 21), 42);
        const data = { list: [1, 'two', null], map: new Map([[1, 'x']]), when: new Date(0) };
        assert.deepEqual(await ex.submit(echo, data), data);
      }));

    it('moves a future from pending to running to fulfilled', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const future = ex.submit(gate, scratch.path('g'), 'v');
        assert.equal(future.state, 'pending');
        assert.equal(future.done, false);
        await scratch.started('g');
        await waitUntil('the future is running', () => future.state === 'running');
        scratch.open('g');
        assert.equal(await future, 'v');
        assert.equal(future.state, 'fulfilled');
        assert.equal(future.value, 'v');
        assert.equal(future.done, true);
      }));

    for (const kind of Object.keys(BUILT_INS) as (keyof typeof BUILT_INS)[]) {
      it(`rejects with a ${kind} of the same class, message, cause and own properties`, () =>
        withExecutor(ctx, async (ex) => {
          const future = ex.submit(throwError, kind as ErrorKind, `bad ${kind}`);
          const error = await future.then(
            () => assert.fail('the task should have failed'),
            (e: unknown) => e,
          );
          assert.ok(error instanceof BUILT_INS[kind], `expected a ${kind}, got ${String(error)}`);
          assert.equal((error as Error).constructor, BUILT_INS[kind]);
          assert.equal((error as Error).name, kind);
          assert.equal((error as Error).message, `bad ${kind}`);
          const cause = (error as Error).cause;
          assert.ok(cause instanceof Error, 'the cause survives');
          assert.equal(cause.message, 'the root cause');
          assert.equal((error as { code?: unknown }).code, 'E_TASK_FAILED');
          assert.deepEqual((error as { detail?: unknown }).detail, { attempt: 3 });
          assert.equal(future.state, 'rejected');
          assert.equal(future.error, error);
        }));
    }

    it('keeps the name, message, cause and code of a custom error class', () =>
      withExecutor(ctx, async (ex) => {
        await assert.rejects(ex.submit(throwError, 'custom', 'mine'), (error: Error) => {
          assert.ok(error instanceof Error);
          assert.equal(error.name, 'CustomTaskError');
          assert.equal(error.message, 'mine');
          assert.equal((error.cause as Error).message, 'the root cause');
          assert.equal((error as { code?: unknown }).code, 'E_TASK_FAILED');
          return true;
        });
      }));

    it('rejects with the error of an async task', () =>
      withExecutor(ctx, async (ex) => {
        await assert.rejects(ex.submit(rejectAsync, 'too far'), {
          name: 'RangeError',
          message: 'too far',
        });
      }));

    it("shows the task's frame and the submit site in the error's stack", () =>
      withExecutor(ctx, async (ex) => {
        const error = (await ex.submit(throwError, 'TypeError', 'where').catch((e) => e)) as Error;
        const stack = String(error.stack);
        assert.match(stack, /throwError/, `no task frame in:\n${stack}`);
        assert.match(stack, /suite-tasks\.(ts|js)/, `no task module in:\n${stack}`);
        assert.match(stack, /suite-submit\.(ts|js)/, `no submit site in:\n${stack}`);
      }));

    it('does not crash the program when a rejected future is never awaited', () =>
      withExecutor(ctx, async (ex) => {
        ex.submit(throwError, 'Error', 'nobody listens');
        const last = ex.submit(add, 1, 1);
        assert.equal(await last, 2);
      }));
  });

  describe('submitWith', () => {
    it('rejects a queued task with TimeoutError when timeoutMs elapses, and never runs it', () =>
      withExecutor(ctx, async (ex, scratch) => {
        // Held ahead, the task would count as started when its timeout fired.
        const blocks = [
          ...(await fillCapacity(ex, scratch, ctx.capacity)),
          ...fillHeldAhead(ex, scratch, ctx),
        ];
        const future = ex.submitWith(touch, [scratch.dir, 1], { timeoutMs: 20 });
        await assert.rejects(future, (error: unknown) => {
          assert.ok(error instanceof TimeoutError);
          assert.equal(error.code, 'CONCUR_ERR_TIMEOUT');
          assert.equal(error.timeoutMs, 20);
          return true;
        });
        assert.equal(future.state, 'rejected');
        openAll(scratch, ctx);
        await Promise.all(blocks);
        assert.equal(await ex.submit(add, 1, 2), 3);
        assert.deepEqual(scratch.touched(), []);
      }));

    it('rejects a queued task with AbortError carrying the reason, and never runs it', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const blocks = await fillCapacity(ex, scratch, ctx.capacity);
        const controller = new AbortController();
        const future = ex.submitWith(touch, [scratch.dir, 1], { signal: controller.signal });
        controller.abort('changed my mind');
        await assert.rejects(future, (error: unknown) => {
          assert.ok(error instanceof AbortError);
          assert.equal(error.code, 'CONCUR_ERR_ABORTED');
          assert.equal(error.cause, 'changed my mind');
          return true;
        });
        openBlocks(scratch, ctx.capacity);
        await Promise.all(blocks);
        assert.deepEqual(scratch.touched(), []);
      }));

    it('rejects at once when the signal is already aborted', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const future = ex.submitWith(touch, [scratch.dir, 1], { signal: AbortSignal.abort('no') });
        await assert.rejects(future, AbortError);
        assert.equal(await ex.submit(add, 1, 1), 2);
        assert.deepEqual(scratch.touched(), []);
      }));

    it('runs normally when neither the signal nor the timeout fires', () =>
      withExecutor(ctx, async (ex) => {
        const controller = new AbortController();
        const future = ex.submitWith(add, [2, 2], { signal: controller.signal, timeoutMs: 60_000 });
        assert.equal(await future, 4);
        controller.abort();
        assert.equal(future.state, 'fulfilled');
      }));

    it('refuses bad call options with InvalidArgumentError and the template message', () =>
      withExecutor(ctx, async (ex) => {
        assert.throws(() => ex.submitWith(add, [1, 2], { timeoutMs: -1 }), {
          name: 'InvalidArgumentError',
          message:
            'Expected `timeoutMs` to be a number from 0 to 2147483647 (about 24.8 days; leave it out for no timeout), got `-1` (number)',
        });
        // Node's timers fire at once past 2^31 - 1 ms: such a timeout is refused, not run early.
        assert.throws(() => ex.submitWith(add, [1, 2], { timeoutMs: 2 ** 31 }), {
          name: 'InvalidArgumentError',
        });
        assert.throws(
          () => ex.submitWith(add, [1, 2], { signal: 'stop' as unknown as AbortSignal }),
          (error: unknown) =>
            error instanceof InvalidArgumentError &&
            error.message === 'Expected `signal` to be an AbortSignal, got `"stop"` (string)',
        );
        assert.throws(
          () => ex.submitWith(add, [1, 2], { timeout: 5 } as never),
          (error: unknown) =>
            error instanceof InvalidArgumentError && /Unknown option `timeout`/.test(error.message),
        );
        assert.throws(
          () => ex.submitWith(add, 1 as never, {}),
          (error: unknown) =>
            error instanceof InvalidArgumentError && /Expected `args` to be/.test(error.message),
        );
      }));

    if (ctx.runtime === 'pool') runningPoolTests(ctx);
    else runningInProcessTests(ctx);
  });
}

function runningPoolTests(ctx: SuiteContext): void {
  it('stops a runaway task on abort, and the pool keeps working', () =>
    withExecutor(ctx, async (ex, scratch) => {
      const controller = new AbortController();
      const future = ex.submitWith(spin, [scratch.path('spin')], { signal: controller.signal });
      await scratch.started('spin');
      controller.abort('enough');
      await assert.rejects(future, (error: unknown) => {
        assert.ok(error instanceof AbortError);
        assert.equal(error.cause, 'enough');
        return true;
      });
      const results = await Promise.all(
        Array.from({ length: ctx.capacity * 3 }, (_, i) => ex.submit(add, i, 1)),
      );
      assert.deepEqual(
        results,
        Array.from({ length: ctx.capacity * 3 }, (_, i) => i + 1),
      );
    }));

  it('stops a runaway task when timeoutMs elapses, and the pool keeps working', () =>
    withExecutor(ctx, async (ex, scratch) => {
      // Warm the pool so the timeout is spent running, not starting a worker.
      await Promise.all(Array.from({ length: ctx.capacity }, () => ex.submit(add, 0, 0)));
      const future = ex.submitWith(spin, [scratch.path('spin')], { timeoutMs: 2000 });
      await assert.rejects(future, TimeoutError);
      assert.ok(scratch.hasStarted('spin'), 'the task was running when it timed out');
      const results = await Promise.all(
        Array.from({ length: ctx.capacity * 3 }, (_, i) => ex.submit(add, i, 1)),
      );
      assert.equal(results.length, ctx.capacity * 3);
    }));
}

function runningInProcessTests(ctx: SuiteContext): void {
  it('rejects a running task on timeout and aborts the signal the task sees', () =>
    withExecutor(ctx, async (ex) => {
      const key = `${ctx.label}-timeout`;
      // Long enough that the task starts first even on a loaded machine; the abort log proves it ran.
      const future = ex.submitWith(awaitAbort, [key], { timeoutMs: 1000 });
      const error = await future.then(
        () => assert.fail('should time out'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TimeoutError);
      await waitUntil('the task saw the abort', () => abortLog.has(key));
      assert.equal(abortLog.get(key), error);
    }));

  it('rejects a running task on abort and aborts the signal the task sees', () =>
    withExecutor(ctx, async (ex) => {
      const key = `${ctx.label}-abort`;
      const controller = new AbortController();
      const future = ex.submitWith(awaitAbort, [key], { signal: controller.signal });
      await waitUntil('the task runs', () => future.state === 'running');
      controller.abort('enough');
      await assert.rejects(future, (error: unknown) => {
        assert.ok(error instanceof AbortError);
        assert.equal(error.cause, 'enough');
        return true;
      });
      await waitUntil('the task saw the abort', () => abortLog.has(key));
      assert.ok(abortLog.get(key) instanceof AbortError);
      assert.equal(await ex.submit(add, 1, 1), 2);
    }));
}
