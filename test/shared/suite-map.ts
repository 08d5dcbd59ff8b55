import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbortError,
  InvalidArgumentError,
  InvalidTaskError,
} from '../../packages/concur/src/index.ts';
import {
  add,
  asyncDouble,
  double,
  doubleUnless,
  gate,
  length,
  slowTouch,
} from '../fixtures/suite-tasks.ts';
import { type SuiteContext, withExecutor } from './suite-context.ts';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

async function* slowly<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

/** A generator that records how far it was pulled and whether it was closed. */
function tracked(n: number) {
  const state = { pulled: 0, closed: false };
  function* items(): Generator<number> {
    try {
      for (let i = 1; i <= n; i++) {
        state.pulled++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, items: items() };
}

export function mapTests(ctx: SuiteContext): void {
  describe('map and starmap', () => {
    for (const chunksize of [1, 7, 'auto'] as const) {
      it(`yields results in input order (chunksize ${chunksize})`, () =>
        withExecutor(ctx, async (ex) => {
          const input = range(100);
          assert.deepEqual(
            await collect(ex.map(double, input, { chunksize })),
            input.map((x) => x * 2),
          );
        }));
    }

    it('maps an async iterable input with an async task', () =>
      withExecutor(ctx, async (ex) => {
        const results = await collect(ex.map(asyncDouble, slowly(range(40)), { chunksize: 3 }));
        assert.deepEqual(
          results,
          range(40).map((x) => x * 2),
        );
      }));

    it('maps an empty input to nothing', () =>
      withExecutor(ctx, async (ex) => {
        assert.deepEqual(await collect(ex.map(double, [])), []);
        assert.deepEqual(await collect(ex.map(double, slowly([]))), []);
      }));

    it('yields every result once when unordered', () =>
      withExecutor(ctx, async (ex) => {
        for (const input of [range(60), slowly(range(60))]) {
          const results = await collect(ex.map(double, input, { ordered: false, chunksize: 4 }));
          assert.deepEqual(
            results.sort((a, b) => a - b),
            range(60).map((x) => x * 2),
          );
        }
      }));

    if (ctx.capacity >= 2) {
      it('yields a later item first when unordered and the earlier one is slower', () =>
        withExecutor(ctx, async (ex, scratch) => {
          scratch.open('b');
          const it = ex.starmap(
            gate,
            [
              [scratch.path('a'), 'a'],
              [scratch.path('b'), 'b'],
            ],
            { ordered: false, chunksize: 1 },
          );
          // If the map wrongly waits for 'a', open it anyway so the assertion fails instead of hanging.
          const fallback = setTimeout(() => scratch.open('a'), 20_000);
          const first = await it.next();
          scratch.open('a');
          clearTimeout(fallback);
          assert.deepEqual(first, { value: 'b', done: false });
          assert.deepEqual(await it.next(), { value: 'a', done: false });
          assert.equal((await it.next()).done, true);
        }));
    }

    it('starmaps argument tuples from sync and async input, ordered and not', () =>
      withExecutor(ctx, async (ex) => {
        const tuples = range(30).map((i): [number, number] => [i, 100]);
        const expected = range(30).map((i) => i + 100);
        assert.deepEqual(await collect(ex.starmap(add, tuples)), expected);
        assert.deepEqual(
          await collect(ex.starmap(add, slowly(tuples), { chunksize: 4 })),
          expected,
        );
        const unordered = await collect(ex.starmap(add, tuples, { ordered: false }));
        assert.deepEqual(
          unordered.sort((a, b) => a - b),
          expected,
        );
      }));

    it('refuses a starmap item that is not an argument array', () =>
      withExecutor(ctx, async (ex) => {
        const it = ex.starmap(add, [[1, 2], 3] as unknown as [number, number][]);
        await assert.rejects(collect(it), (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError);
          assert.match(error.message, /^Expected `argTuples\[1\]` to be an array of arguments/);
          return true;
        });
      }));

    for (const chunksize of [1, 5, 'auto'] as const) {
      it(`surfaces an error at its item and stops the map cleanly (chunksize ${chunksize})`, () =>
        withExecutor(ctx, async (ex) => {
          const { state, items } = tracked(1000);
          const seen: number[] = [];
          await assert.rejects(
            (async () => {
              for await (const value of ex.map(doubleUnless, items, { chunksize }))
                seen.push(value);
            })(),
            { name: 'TypeError', message: 'unlucky item 13' },
          );
          assert.deepEqual(
            seen,
            range(12, 1).map((x) => x * 2),
          );
          assert.equal(state.closed, true, 'the input iterator was closed');
          assert.ok(state.pulled < 1000, 'the map stopped pulling input');
          await ex.shutdown();
          assert.equal(ex.stats().queued, 0);
        }));
    }

    it('closes the input and cancels unstarted work when the consumer breaks early', () =>
      withExecutor(ctx, async (ex, scratch) => {
        const state = { pulled: 0, closed: false };
        function* items(): Generator<[string, number]> {
          try {
            for (let i = 0; i < 1000; i++) {
              state.pulled++;
              yield [scratch.dir, i];
            }
          } finally {
            state.closed = true;
          }
        }
        // Start every worker first, and leave room for many queued chunks: a worker that
        // starts much later than the others must not let them run the whole buffer.
        await Promise.all(
          Array.from({ length: ctx.capacity }, (_, i) => ex.submit(slowTouch, scratch.dir, -1 - i)),
        );
        const buffersize = ctx.capacity + 20;
        let consumed = 0;
        for await (const _ of ex.starmap(slowTouch, items(), { chunksize: 1, buffersize })) {
          if (++consumed === 3) break;
        }
        assert.equal(state.closed, true, 'the input iterator was closed');
        assert.ok(
          state.pulled <= consumed + buffersize + 1,
          `pulled ${state.pulled} items for ${consumed} consumed`,
        );
        await ex.shutdown();
        const stats = ex.stats();
        assert.ok(stats.cancelled >= 1, `expected cancelled work, stats ${JSON.stringify(stats)}`);
        assert.equal(stats.queued, 0);
        assert.ok(
          scratch.touched().length - ctx.capacity < state.pulled,
          'cancelled items never ran',
        );
      }));

    it('stops with AbortError when its signal aborts', () =>
      withExecutor(ctx, async (ex) => {
        const controller = new AbortController();
        const { state, items } = tracked(100_000);
        let consumed = 0;
        await assert.rejects(
          (async () => {
            for await (const _ of ex.map(double, items, { signal: controller.signal })) {
              if (++consumed === 5) controller.abort('stop mapping');
            }
          })(),
          (error: unknown) => error instanceof AbortError && error.cause === 'stop mapping',
        );
        assert.equal(state.closed, true);
      }));

    it('refuses bad map options with InvalidArgumentError and the template message', () =>
      withExecutor(ctx, async (ex) => {
        const cases: [object, string][] = [
          [
            { chunksize: 0 },
            'Expected `chunksize` to be an integer from 1 and up, got `0` (number)',
          ],
          [
            { chunksize: 'big' },
            'Expected `chunksize` to be an integer from 1 and up, got `"big"` (string)',
          ],
          [
            { buffersize: 0 },
            'Expected `buffersize` to be an integer from 1 and up, got `0` (number)',
          ],
          [{ ordered: 'yes' }, 'Expected `ordered` to be a boolean, got `"yes"` (string)'],
        ];
        for (const [options, message] of cases) {
          await assert.rejects(collect(ex.map(double, [1], options)), (error: unknown) => {
            assert.ok(error instanceof InvalidArgumentError, String(error));
            assert.equal(error.message, message);
            return true;
          });
        }
        await assert.rejects(
          collect(ex.map(double, [1], { chunk: 2 } as never)),
          (error: unknown) =>
            error instanceof InvalidArgumentError && /Unknown option `chunk`/.test(error.message),
        );
        await assert.rejects(
          collect(ex.map(double, 42 as never)),
          (error: unknown) =>
            error instanceof InvalidArgumentError &&
            error.message ===
              'Expected `items` to be an Iterable or AsyncIterable, got `42` (number)',
        );
        assert.throws(() => ex.map(((x: number) => x) as never, [1]), InvalidTaskError);
        assert.equal(await ex.submit(length, 'still works'), 11);
      }));
  });
}
