import { checkInteger } from '../../options/validate.ts';
import { travelsWith } from '../travels-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, timeoutError } from './futex.ts';
import type { BlockingWaitOptions } from './mutex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

// One word holds the round (high bits) and the arrivals in it (low 16 bits), so an
// arrival, a departure and the end of a round are each a single compare-and-swap:
// a waiter that leaves can never decrement the count of the next round.
const STATE = 0;
const PARTIES = 1;
const BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;
const COUNT_MASK = 0xffff;
const MAX_PARTIES = COUNT_MASK;
const WHAT = 'at the ThreadBarrier';

const roundOf = (state: number) => state >>> 16;
const nextRound = (state: number) => (((roundOf(state) + 1) & 0x7fff) << 16) | 0;

/**
 * Lets `parties` threads (and coroutines) wait for each other, in a SharedArrayBuffer.
 * The wait that completes a round returns `parties - 1`; the others return their
 * arrival index in the round. A waiter that times out or is aborted leaves the round.
 */
export class ThreadBarrier implements SharedPrimitive {
  readonly #view: Int32Array;

  /** `new ThreadBarrier(4)` makes one; `new ThreadBarrier(other.buffer)` attaches to an existing one. */
  constructor(init: number | SharedArrayBuffer) {
    if (typeof init === 'number') {
      this.#view = new Int32Array(new SharedArrayBuffer(BYTES));
      this.#view[PARTIES] = checkInteger('parties', init, 1, MAX_PARTIES);
    } else this.#view = new Int32Array(checkBuffer('ThreadBarrier', init, BYTES));
  }

  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  get parties(): number {
    return this.#view[PARTIES] as number;
  }

  get nWaiting(): number {
    return Atomics.load(this.#view, STATE) & COUNT_MASK;
  }

  /** Blocks this worker thread until `parties` have arrived. */
  waitSync(options: BlockingWaitOptions = {}): number {
    const parsed = parseWaitOptions(options);
    const deadline = deadlineOf(parsed.timeoutMs);
    const { round, index } = this.#arrive();
    if (index === this.parties - 1) return index;
    for (;;) {
      const state = Atomics.load(this.#view, STATE);
      if (roundOf(state) !== round) return index;
      const result = blockingWait(this.#view, STATE, state, deadline, 'ThreadBarrier.waitSync()');
      if (result === 'timed-out' && this.#leave(round)) throw timeoutError(parsed, WHAT);
    }
  }

  /** Waits, without blocking the event loop, until `parties` have arrived. */
  async wait(options?: SyncWaitOptions): Promise<number> {
    const parsed = parseWaitOptions(options);
    if (parsed.signal?.aborted) throw abortError(parsed.signal, WHAT);
    const deadline = deadlineOf(parsed.timeoutMs);
    const { round, index } = this.#arrive();
    if (index === this.parties - 1) return index;
    for (;;) {
      const state = Atomics.load(this.#view, STATE);
      if (roundOf(state) !== round) return index;
      let result: string;
      try {
        result = await asyncWait(this.#view, STATE, state, deadline, parsed.signal, WHAT);
      } catch (error) {
        if (this.#leave(round)) throw error;
        return index;
      }
      if (result === 'timed-out' && this.#leave(round)) throw timeoutError(parsed, WHAT);
    }
  }

  #arrive(): { round: number; index: number } {
    const view = this.#view;
    const parties = this.parties;
    for (;;) {
      const state = Atomics.load(view, STATE);
      const index = state & COUNT_MASK;
      const next = index + 1 === parties ? nextRound(state) : state + 1;
      if (Atomics.compareExchange(view, STATE, state, next) !== state) continue;
      if (index + 1 === parties) Atomics.notify(view, STATE);
      return { round: roundOf(state), index };
    }
  }

  /** Takes this caller out of `round`; false if the round completed first (the caller was released). */
  #leave(round: number): boolean {
    const view = this.#view;
    for (;;) {
      const state = Atomics.load(view, STATE);
      if (roundOf(state) !== round) return false;
      if (Atomics.compareExchange(view, STATE, state, state - 1) === state) return true;
    }
  }
}

const codec = threadCodec<ThreadBarrier>(
  'concur.thread-barrier',
  'ThreadBarrier',
  import.meta.url,
  (buffer) => new ThreadBarrier(buffer),
);
travelsWith(ThreadBarrier, codec);
