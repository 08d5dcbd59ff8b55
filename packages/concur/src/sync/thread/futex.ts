import { isMainThread, threadId } from 'node:worker_threads';
import { AbortError, TimeoutError } from '../../errors/errors.ts';
import { BlockingCallError } from '../../errors/sync-errors.ts';
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

/**
 * Waits without blocking while `view[index] === expected`, through Atomics.waitAsync.
 * A waiter that leaves (abort) cannot unregister its waitAsync; if that stale waiter
 * later receives a wake-up meant for someone else, it passes it on, so no notify is lost.
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
  const result = waitAsync(view, index, expected, ms);
  if (!result.async) return Promise.resolve(result.value);
  return new Promise<WaitResult>((resolve, reject) => {
    let left = false;
    const leave = () => {
      left = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      leave();
      reject(abortError(signal as AbortSignal, what));
    };
    // A pending waitAsync does not keep Node's event loop alive, and its own timeout may
    // be delivered after the loop has emptied; this ref'd timer both keeps the loop alive
    // and settles the timeout itself.
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          leave();
          resolve('timed-out');
        }, ms)
      : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    result.value.then((value) => {
      if (!left) {
        leave();
        resolve(value);
      } else if (value === 'ok') {
        // We left, but were woken: pass the wake-up on to a waiter that still waits.
        Atomics.notify(view, index, 1);
      }
    });
  });
}

export function abortError(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason });
}

export function timeoutError(options: ParsedWaitOptions, what: string): TimeoutError {
  const ms = options.timeoutMs ?? 0;
  return new TimeoutError(`Timed out after ${ms} ms waiting ${what}`, ms);
}
