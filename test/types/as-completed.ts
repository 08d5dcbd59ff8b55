// Type-level tests: `npm run typecheck` compiles this file and never runs it. A line
// under `@ts-expect-error` must fail to compile, or the typecheck fails.
import {
  asCompleted,
  type CancelledError,
  type Future,
  type SettledFuture,
} from '../../packages/concur/src/index.ts';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export async function narrowsOnState(futures: Future<number>[]): Promise<void> {
  for await (const f of asCompleted(futures)) {
    // The loop gets the future itself, not its value.
    expectType<Equal<typeof f, SettledFuture<number>>>();
    // @ts-expect-error: not narrowed yet, so the value may be undefined.
    const early: number = f.value;
    void early;
    if (f.state === 'fulfilled') {
      expectType<Equal<typeof f.value, number>>();
      expectType<Equal<typeof f.error, undefined>>();
    } else if (f.state === 'rejected') {
      expectType<Equal<typeof f.value, undefined>>();
      expectType<Equal<typeof f.error, unknown>>();
    } else {
      expectType<Equal<typeof f.state, 'cancelled'>>();
      expectType<Equal<typeof f.error, CancelledError>>();
      // @ts-expect-error: a cancelled future has no value.
      const none: number = f.value;
      void none;
    }
    // @ts-expect-error: a settled future is never pending.
    if (f.state === 'pending') return;
    expectType<Equal<typeof f.done, true>>();
    // `await` gives the value, as it does at run time.
    const awaited = await f;
    expectType<Equal<typeof awaited, number>>();
    // Still a Future: it can go wherever one is expected.
    const asFuture: Future<number> = f;
    void asFuture;
  }
}

export async function nextGivesTheFuture(futures: Future<number>[]): Promise<void> {
  const it = asCompleted(futures);
  const first = await it.next();
  if (first.done !== true) {
    expectType<Equal<typeof first.value, SettledFuture<number>>>();
    // @ts-expect-error: a number future's value is not a string.
    const text: string = first.value.state === 'fulfilled' ? first.value.value : '';
    void text;
  }
}

export async function mixedFutures(a: Future<number>, b: Future<string>): Promise<void> {
  for await (const f of asCompleted<number | string>([a, b])) {
    if (f.state === 'fulfilled') expectType<Equal<typeof f.value, number | string>>();
  }
}
