import { JobMode } from 'concur/backend';

/**
 * Most arguments of one call. V8 refuses to spread far more than this onto the stack
 * (on Node 20, `f.apply(null, args)` threw RangeError from 130,000), so a longer list is never a real call.
 */
export const MAX_ARGS = 65_536;

/** Most items in one map chunk; the executor's chunks hold thousands at most. */
export const MAX_ITEMS = 10_000_000;

/**
 * A short description of a value from a job: never JSON.stringify, which a sparse
 * array of length 2^32-2 would keep busy for minutes.
 */
export function describeUntrusted(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60
      ? `a string of ${value.length} characters`
      : `${JSON.stringify(value)} (string)`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  return `${String(value)} (${typeof value})`;
}

/**
 * What is wrong with `value` as an array of at most `max` elements with no holes, or
 * undefined. Stops at the first hole: a sparse array costs as much to check as the
 * elements it carries, never its length.
 */
export function denseArrayProblem(value: unknown, field: string, max: number): string | undefined {
  if (!Array.isArray(value)) return `\`${field}\` is ${describeUntrusted(value)}, not an array`;
  if (value.length > max) {
    return `\`${field}\` has ${value.length} elements; at most ${max} are accepted (a sparse or forged array?)`;
  }
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return `\`${field}\` has a hole at index ${i}: it must be a dense array`;
  }
  return undefined;
}

/** What is wrong with a decoded payload for its mode (args of a call, items of a chunk), or undefined. */
export function payloadProblem(payload: unknown, mode: JobMode): string | undefined {
  if (mode === JobMode.Call) return denseArrayProblem(payload, 'args', MAX_ARGS);
  const problem = denseArrayProblem(payload, 'items', MAX_ITEMS);
  if (problem !== undefined || mode !== JobMode.StarmapChunk) return problem;
  const items = payload as unknown[];
  for (let i = 0; i < items.length; i++) {
    const inner = denseArrayProblem(items[i], `items[${i}]`, MAX_ARGS);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
