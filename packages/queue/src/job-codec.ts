import * as v8 from 'node:v8';
import { DataCloneError } from 'concur';
import { deserializeOwnBytes } from 'concur/backend';

/**
 * How task arguments and results travel through Redis. Both ends must use the
 * same codec: a job carries the codec's name, and a worker refuses a job whose
 * codec it does not have.
 */
export interface JobCodec {
  /** Unique name, stored in each job. */
  readonly name: string;
  /**
   * Turns a value into text. Throw DataCloneError, naming the path from `root`, for a
   * value the codec cannot carry faithfully: it is refused at submit rather than corrupted.
   * @param root the value's name in messages: `args` (then `args[1].id`), `result`.
   */
  encode(value: unknown, root: string): string;
  /** Turns text made by `encode` back into the value. */
  decode(text: string): unknown;
}

function typeName(value: unknown): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return 'a BigInt';
    case 'function':
      return `a function (${(value as () => void).name || 'anonymous'})`;
    case 'symbol':
      return 'a Symbol';
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${value}`;
    default:
      break;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (value instanceof Date) return 'a Date';
  if (value instanceof RegExp) return 'a RegExp';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `a ${value.constructor.name}`;
  if (value instanceof Error) return `an ${value.constructor.name}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(value)) {
    return `an instance of ${(value as object).constructor?.name ?? 'a class'}`;
  }
  return undefined;
}

const WHAT_TO_DO =
  'Pass plain objects, arrays, strings, finite numbers, booleans and null (convert Maps to ' +
  'objects or arrays, BigInts and Dates to strings), or give the executor and its workers a ' +
  'codec that carries it (`codec` option).';

/** Throws DataCloneError at the first value JSON would drop or change. */
export function checkJsonSafe(value: unknown, root: string): void {
  const seen = new Set<object>();
  const visit = (v: unknown, path: string): void => {
    const bad = typeName(v);
    if (bad !== undefined) {
      throw new DataCloneError(
        `Cannot send \`${path}\` through Redis as JSON: it is ${bad}. ${WHAT_TO_DO}`,
      );
    }
    if (v === null || typeof v !== 'object') return;
    if (seen.has(v)) {
      throw new DataCloneError(
        `Cannot send \`${path}\` through Redis as JSON: it refers back to itself (a cycle). ${WHAT_TO_DO}`,
      );
    }
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], `${path}[${i}]`);
    } else {
      for (const key of Object.keys(v)) {
        const child = (v as Record<string, unknown>)[key];
        // JSON drops undefined properties, which reads back the same.
        if (child !== undefined) visit(child, `${path}.${key}`);
      }
    }
    seen.delete(v);
  };
  visit(value, root);
}

/**
 * The default codec: JSON, after checking that JSON would carry the value unchanged.
 * A bare `undefined` (a task that returns nothing) travels as the empty string;
 * `undefined` inside an array arrives as `null`, as with JSON.stringify.
 */
export const jsonCodec: JobCodec = Object.freeze({
  name: 'json',
  encode(value: unknown, root: string): string {
    if (value === undefined) return '';
    checkJsonSafe(value, root);
    return JSON.stringify(value);
  },
  decode(text: string): unknown {
    return text === '' ? undefined : JSON.parse(text);
  },
});

/**
 * Node's structured clone (v8.serialize) as base64 text: Map, Set, Date, BigInt,
 * typed arrays, errors and cycles travel as they do to a worker thread. Both ends
 * must run Node, of the same major version to be safe; functions are still refused.
 */
export const v8Codec: JobCodec = Object.freeze({
  name: 'v8',
  encode(value: unknown, root: string): string {
    try {
      return v8.serialize(value).toString('base64');
    } catch (error) {
      throw new DataCloneError(
        `Cannot send \`${root}\` through Redis with the v8 codec: ${(error as Error).message}`,
        { cause: error },
      );
    }
  },
  decode(text: string): unknown {
    return deserializeOwnBytes(v8, Buffer.from(text, 'base64'));
  },
});

/** Codecs a worker knows by name (`--codec json`, `--codec v8`). */
export const BUILT_IN_CODECS: Readonly<Record<string, JobCodec>> = Object.freeze({
  json: jsonCodec,
  v8: v8Codec,
});

export function isJobCodec(value: unknown): value is JobCodec {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JobCodec).name === 'string' &&
    typeof (value as JobCodec).encode === 'function' &&
    typeof (value as JobCodec).decode === 'function'
  );
}
