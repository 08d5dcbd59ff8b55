import { invalid } from '../../options/validate.ts';
import { travelsWith } from '../travels-with.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

const BYTES = BigInt64Array.BYTES_PER_ELEMENT;

function checkSafe(name: string, value: unknown): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(name, 'a safe integer', value);
  }
  return BigInt(value);
}

/**
 * An integer counter shared by worker threads, updated with atomic instructions (no
 * lock needed). 64-bit inside; read back as a number, exact up to 2^53.
 */
export class ThreadAtomicCounter implements SharedPrimitive {
  readonly #view: BigInt64Array;

  /** `new ThreadAtomicCounter(0)` makes one; `new ThreadAtomicCounter(other.buffer)` attaches to an existing one. */
  constructor(init: number | SharedArrayBuffer = 0) {
    if (typeof init === 'number') {
      this.#view = new BigInt64Array(new SharedArrayBuffer(BYTES));
      this.#view[0] = checkSafe('initial', init);
    } else this.#view = new BigInt64Array(checkBuffer('ThreadAtomicCounter', init, BYTES));
  }

  /** The shared memory holding the counter; `new ThreadAtomicCounter(buffer)` opens it again. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** The current value. */
  get value(): number {
    return Number(Atomics.load(this.#view, 0));
  }

  /** Adds `n` and returns the new value. */
  add(n: number): number {
    const delta = checkSafe('n', n);
    return Number(Atomics.add(this.#view, 0, delta) + delta);
  }

  /** Adds 1 atomically and returns the new value. */
  increment(): number {
    return Number(Atomics.add(this.#view, 0, 1n) + 1n);
  }

  /** Subtracts 1 atomically and returns the new value. */
  decrement(): number {
    return Number(Atomics.sub(this.#view, 0, 1n) - 1n);
  }

  /** Stores `value` atomically. */
  set(value: number): void {
    Atomics.store(this.#view, 0, checkSafe('value', value));
  }

  /** Sets `replacement` if the value is `expected`; returns the value it found. */
  compareExchange(expected: number, replacement: number): number {
    return Number(
      Atomics.compareExchange(
        this.#view,
        0,
        checkSafe('expected', expected),
        checkSafe('replacement', replacement),
      ),
    );
  }
}

const codec = threadCodec<ThreadAtomicCounter>(
  'concur.thread-atomic-counter',
  'ThreadAtomicCounter',
  import.meta.url,
  (buffer) => new ThreadAtomicCounter(buffer),
);
travelsWith(ThreadAtomicCounter, codec);
