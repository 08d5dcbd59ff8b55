import { DataCloneError } from '../errors/errors.ts';
import { invalid } from '../options/validate.ts';
import { kWire, registerWireCodec, type WireCodec } from '../runtime/wire.ts';

/** The typed arrays `sharedArray` can build. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array
  | BigUint64Array;

type Ctor<T extends NumericArray> = {
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * Copies `source` once into shared memory and returns a typed array over that
 * SharedArrayBuffer. Pass it to as many ThreadPoolExecutor tasks as you like: each
 * worker sees the same memory, nothing is copied (treat it as read-only, or guard
 * writes with a ThreadMutex / Atomics).
 *
 * A child process cannot share memory with its parent: passed to a
 * ProcessPoolExecutor task, the array is copied into each message (as a plain typed
 * array of the same type), exactly as if it were not shared.
 *
 * A `number[]` becomes a Float64Array (exact for every JavaScript number); a typed
 * array keeps its type.
 *
 * @example
 * const bigList = sharedArray(numbers);            // once
 * await Promise.all(batches.map((b) => pool.submit(search, b, bigList)));
 */
export function sharedArray(source: readonly number[]): Float64Array;
export function sharedArray<T extends NumericArray>(source: T): T;
export function sharedArray(source: readonly number[] | NumericArray): NumericArray {
  if (Array.isArray(source)) {
    const out = new Float64Array(new SharedArrayBuffer(source.length * 8));
    for (let i = 0; i < source.length; i++) {
      const v = source[i];
      if (typeof v !== 'number') throw invalid(`source[${i}]`, 'a number', v);
      out[i] = v;
    }
    return mark(out);
  }
  if (!ArrayBuffer.isView(source) || source instanceof DataView) {
    throw invalid('source', 'an array of numbers or a numeric typed array', source);
  }
  const typed = source as NumericArray;
  const ctor = typed.constructor as Ctor<NumericArray>;
  const out = new ctor(new SharedArrayBuffer(typed.length * ctor.BYTES_PER_ELEMENT));
  (out as { set(a: NumericArray): void }).set(typed);
  return mark(out);
}

/** True if `array` is backed by shared memory (so thread tasks receive it without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** Threads: the array itself (postMessage shares its buffer). Processes: a plain copy. */
const codec: WireCodec<NumericArray, NumericArray> = {
  name: 'concur.shared-array',
  moduleUrl: import.meta.url,
  encode(value, target) {
    if (target.runtime === 'thread') return value;
    const ctor = value.constructor as new (length: number) => NumericArray;
    if (typeof ctor !== 'function') throw new DataCloneError('not a typed array');
    const copy = new ctor(value.length);
    (copy as { set(a: NumericArray): void }).set(value);
    return copy;
  },
  decode: (data) => data,
};
// The registry holds codecs of every type; this one is only ever handed shared arrays.
registerWireCodec(codec as unknown as WireCodec);

function mark<T extends NumericArray>(array: T): T {
  Object.defineProperty(array, kWire, { value: codec });
  return array;
}
