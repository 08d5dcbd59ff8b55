import { isMainThread, threadId } from 'node:worker_threads';
import { AbortError, TimeoutError } from '../../errors/errors.ts';
import { BlockingCallError } from '../../errors/sync-errors.ts';
import { holdAlive } from '../keep-alive.ts';
import type { ParsedWaitOptions } from '../wait-options.ts';

/** This thread's id as stored in shared memory: 0 means "nobody", so ids are shifted by one. */
export const SELF = threadId + 1;

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

// Atomics.waitAsync is in Node 16+, but in TypeScript's lib only from ES2024.
type WaitAsync = (
  view: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) =>
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Milliseconds left until `deadline` (Infinity when there is none). */
export function remaining(deadline: number): number {
  return deadline === Number.POSITIVE_INFINITY ? deadline : Math.max(0, deadline - Date.now());
}

export function deadlineOf(timeoutMs: number | undefined): number {
  return timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
}

/**
 * Blocks this thread while `view[index] === expected`. On the main thread a wait
 * would freeze the event loop (and every promise the holder may be waiting on),
 * so there it throws BlockingCallError instead: use the async form.
 */
export function blockingWait(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  what: string,
): WaitResult {
  if (isMainThread) {
    throw new BlockingCallError(
      `${what} would block the main thread's event loop; await the async form (acquire() / wait()) there, ` +
        'and keep the blocking form for worker threads',
    );
  }
  return Atomics.wait(view, index, expected, remaining(deadline));
}

interface LocalWaiter {
  settle(result: WaitResult): void;
}

/** One Atomics.waitAsync shared by every async waiter of this thread on the same word and value. */
interface Watcher {
  readonly waiters: Set<LocalWaiter>;
}

const watchers = new WeakMap<Int32Array, Map<string, Watcher>>();

/**
 * Waits without blocking while `view[index] === expected`, through Atomics.waitAsync.
 * A registered waitAsync cannot be withdrawn, so waiters of this thread that wait for the
 * same change share one: a waiter that leaves (abort, timeout) only leaves the shared
 * list, and 100,000 aborted acquires cost one registration, not 100,000 (before, they
 * held 275 MB and made the next hand-off pass through each). A registration woken after
 * all its waiters left passes the wake-up on, so no notify is lost.
 */
export function asyncWait(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<WaitResult> {
  if (signal?.aborted) return Promise.reject(abortError(signal, what));
  const ms = remaining(deadline);
  if (ms <= 0) {
    return Promise.resolve(Atomics.load(view, index) === expected ? 'timed-out' : 'not-equal');
  }
  const watcher = watcherFor(view, index, expected);
  if (watcher === undefined) return Promise.resolve('not-equal');
  return new Promise<WaitResult>((resolve, reject) => {
    const release = holdAlive();
    const timer = Number.isFinite(ms)
      ? setTimeout(() => leave(() => resolve('timed-out')), ms)
      : undefined;
    const onAbort = () => leave(() => reject(abortError(signal as AbortSignal, what)));
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      release();
    };
    const waiter: LocalWaiter = {
      settle(result) {
        done();
        resolve(result);
      },
    };
    const leave = (settle: () => void) => {
      if (!watcher.waiters.delete(waiter)) return;
      done();
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    watcher.waiters.add(waiter);
  });
}

function watcherFor(view: Int32Array, index: number, expected: number): Watcher | undefined {
  let byKey = watchers.get(view);
  if (byKey === undefined) {
    byKey = new Map();
    watchers.set(view, byKey);
  }
  const key = `${index}:${expected}`;
  const existing = byKey.get(key);
  if (existing !== undefined) return existing;
  const result = waitAsync(view, index, expected, Number.POSITIVE_INFINITY);
  if (!result.async) return undefined;
  const watcher: Watcher = { waiters: new Set() };
  byKey.set(key, watcher);
  const map = byKey;
  result.value.then((value) => {
    map.delete(key);
    const waiters = [...watcher.waiters];
    watcher.waiters.clear();
    if (waiters.length === 0) {
      // Woken with nobody left to wake here: pass the wake-up on to a waiter elsewhere.
      if (value === 'ok') Atomics.notify(view, index, 1);
      return;
    }
    // Every waiter here re-checks the word; those that lose go back to waiting.
    for (const waiter of waiters) waiter.settle(value);
  });
  return watcher;
}

export function abortError(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason });
}

export function timeoutError(options: ParsedWaitOptions, what: string): TimeoutError {
  const ms = options.timeoutMs ?? 0;
  return new TimeoutError(`Timed out after ${ms} ms waiting ${what}`, ms);
}
