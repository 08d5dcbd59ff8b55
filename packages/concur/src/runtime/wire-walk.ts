import { DataCloneError } from '../errors/errors.ts';
import { codecNamed, kWire, type WireCodec, type WireHost, type WireRoute } from './wire.ts';

/**
 * Finds values that travel through a wire codec (sync primitives, shared arrays) at any
 * depth of a task's arguments, map items, initArgs or result, and swaps them for
 * envelopes the other side turns back into live values. A value holding none is sent
 * as it is: the search stops at the first codec, reads no typed array's contents, and
 * allocates nothing for a list of non-objects (the usual `submit(fn, n)`).
 */

const kEnvelope = '__concurWire';
const kWired = '__concurWired';

/** One encoded value, in place of the original. */
interface Envelope {
  readonly [kEnvelope]: true;
  readonly codec: string;
  readonly moduleUrl: string;
  readonly data: unknown;
}

/** A whole value that holds envelopes somewhere; only such values are searched on arrival. */
export interface Wired {
  readonly [kWired]: 1;
  readonly value: unknown;
}

const codecOf = (value: object): WireCodec | undefined => (value as { [kWire]?: WireCodec })[kWire];

// What structured clone copies as a whole, so there is nothing inside to look for.
function isLeaf(value: object): boolean {
  // Most values searched are plain records and lists: one prototype read settles them.
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === Array.prototype || proto === null) return false;
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error
  );
}

// No path strings here: the two walks below only look for values. Building "[i]" or ".key"
// for every element allocated for nothing on every argument, and String(key) throws for a
// Map key with no toString (a null-prototype object), which crashed the pool's dispatch.
function children(value: object, visit: (child: unknown) => void): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value[i]);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      visit(k);
      visit(v);
    }
  } else if (value instanceof Set) {
    for (const v of value) visit(v);
  } else {
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key]);
  }
}

/** True if `values` (a list of arguments, items or one result in a list) holds a value with a codec. */
export function needsWire(values: ArrayLike<unknown>): boolean {
  if (!Array.isArray(values)) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && typeof v === 'object' && holdsCodec(v)) return true;
  }
  return false;
}

/**
 * Objects a search visits before it remembers what it has seen. A map searches every item:
 * over 10,000 records of ~1 KB, a Set per record plus a visit call per child took 17-22 ms,
 * this (no Set for small values, plain records and lists walked inline) 13-15 ms; either
 * change alone measured no gain. A cycle or a shared subtree is walked again until the
 * count is passed, then once more at most: the search still ends.
 */
const REMEMBER_AFTER = 64;

function holdsCodec(root: object): boolean {
  // Iterative, so a long linked structure cannot overflow the stack.
  const stack: object[] = [root];
  const push = (child: unknown) => {
    if (child !== null && typeof child === 'object') stack.push(child);
  };
  let seen: Set<object> | undefined;
  let visited = 0;
  while (stack.length > 0) {
    const value = stack.pop() as object;
    if (codecOf(value) !== undefined) return true;
    if (isLeaf(value)) continue;
    if (seen !== undefined) {
      if (seen.has(value)) continue;
      seen.add(value);
    } else if (++visited > REMEMBER_AFTER) {
      seen = new Set([value]);
    }
    // The common shapes inline: a visit call per child cost more than the check it makes.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      for (const key in value) {
        const child: unknown = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    } else {
      children(value, push);
    }
  }
  return false;
}

/**
 * A copy of `value` with each codec value replaced by its envelope, for `route`. Shared
 * and cyclic references are kept. `path` names the value in errors ("args", "initArgs").
 * Throws DataCloneError naming where the value that cannot go sits.
 */
export function wire(value: unknown, route: WireRoute, path: string): Wired {
  return { [kWired]: 1, value: encodeAt(value, route, path, new Map()) };
}

function encodeAt(value: unknown, route: WireRoute, path: string, memo: Map<object, unknown>) {
  if (value === null || typeof value !== 'object') return value;
  const codec = codecOf(value);
  if (codec !== undefined) return envelope(codec, value, route, path);
  if (isLeaf(value)) return value;
  if (memo.has(value)) return memo.get(value);
  const at = (child: unknown, key: string) => encodeAt(child, route, path + key, memo);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    memo.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = at(value[i], `[${i}]`);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    memo.set(value, out);
    for (const [k, v] of value) out.set(at(k, ' (a Map key)'), at(v, `.get(${String(k)})`));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    memo.set(value, out);
    for (const v of value) out.add(at(v, ' (in a Set)'));
    return out;
  }
  // Structured clone keeps own enumerable properties and drops the prototype; so does this.
  const out: Record<string, unknown> = {};
  memo.set(value, out);
  for (const key of Object.keys(value))
    out[key] = at((value as Record<string, unknown>)[key], `.${key}`);
  return out;
}

function envelope(codec: WireCodec, value: object, route: WireRoute, path: string): Envelope {
  try {
    return {
      [kEnvelope]: true,
      codec: codec.name,
      moduleUrl: codec.moduleUrl,
      data: codec.encode(value, route),
    };
  } catch (error) {
    if (!(error instanceof DataCloneError)) throw error;
    const where = route.toParent
      ? `back from a ${route.runtime} worker`
      : `to a ${route.runtime} worker`;
    throw new DataCloneError(`${path} cannot be sent ${where}: ${error.message}`, { cause: error });
  }
}

export function isWired(value: unknown): value is Wired {
  return value !== null && typeof value === 'object' && (value as Wired)[kWired] === 1;
}

function isEnvelope(value: unknown): value is Envelope {
  return value !== null && typeof value === 'object' && (value as Envelope)[kEnvelope] === true;
}

/** Receiving side: the value with every envelope brought back to life, importing codecs it lacks. */
export async function unwire(wired: Wired, host: WireHost): Promise<unknown> {
  const missing = new Set<string>();
  visitEnvelopes(wired.value, (e) => {
    if (codecNamed(e.codec) === undefined) missing.add(e.moduleUrl);
  });
  for (const url of missing) await import(url);
  return unwireSync(wired, host);
}

/** Like `unwire`, for a side that has loaded every codec (the parent imported concur). */
export function unwireSync(wired: Wired, host: WireHost): unknown {
  const decode = (e: Envelope): unknown => {
    const codec = codecNamed(e.codec);
    if (codec === undefined) {
      throw new DataCloneError(`No codec named ${e.codec} was registered by ${e.moduleUrl}`);
    }
    return codec.decode(e.data, host);
  };
  if (isEnvelope(wired.value)) return decode(wired.value);
  // The received value is a fresh clone that only we hold: decode in place.
  const seen = new Set<object>();
  const stack: unknown[] = [wired.value];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || isLeaf(value) || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (isEnvelope(value[i])) value[i] = decode(value[i]);
        else stack.push(value[i]);
      }
    } else if (value instanceof Map) {
      const entries = [...value];
      value.clear();
      for (const [k, v] of entries) {
        value.set(isEnvelope(k) ? decode(k) : k, isEnvelope(v) ? decode(v) : v);
        if (!isEnvelope(k)) stack.push(k);
        if (!isEnvelope(v)) stack.push(v);
      }
    } else if (value instanceof Set) {
      const items = [...value];
      value.clear();
      for (const v of items) {
        if (isEnvelope(v)) value.add(decode(v));
        else {
          value.add(v);
          stack.push(v);
        }
      }
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (isEnvelope(record[key])) record[key] = decode(record[key]);
        else stack.push(record[key]);
      }
    }
  }
  return wired.value;
}

function visitEnvelopes(root: unknown, found: (e: Envelope) => void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || isLeaf(value) || seen.has(value)) continue;
    if (isEnvelope(value)) {
      found(value);
      continue;
    }
    seen.add(value);
    children(value, (child) => stack.push(child));
  }
}
