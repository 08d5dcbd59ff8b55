import { setImmediate as immediate } from 'node:timers/promises';
import { AbortError, TimeoutError } from '../../packages/concur/src/index.ts';

/** Lets `n` turns of the event loop pass (timers, I/O and every queued microtask). */
export async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await immediate();
}

/** How a waiter in a generated scenario stops waiting early, if at all. */
export type Leave =
  | { kind: 'none' }
  | { kind: 'abort'; afterTicks: number }
  | { kind: 'timeout'; ms: number };

export function waitOptions(leave: Leave): {
  options: { signal?: AbortSignal; timeoutMs?: number };
  arm: () => void;
} {
  if (leave.kind === 'timeout') return { options: { timeoutMs: leave.ms }, arm: () => {} };
  if (leave.kind === 'none') return { options: {}, arm: () => {} };
  const controller = new AbortController();
  return {
    options: { signal: controller.signal },
    arm: () => void ticks(leave.afterTicks).then(() => controller.abort(new Error('test abort'))),
  };
}

export function isLeaveError(error: unknown): boolean {
  return error instanceof AbortError || error instanceof TimeoutError;
}
