import { isMainThread } from 'node:worker_threads';
import { BlockingCallError } from '../../errors/sync-errors.ts';
import { checkInteger } from '../../options/validate.ts';
import { travelsWith } from '../travels-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { watchForDeadThreads } from './dead-threads.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, SELF, timeoutError } from './futex.ts';
import type { BlockingWaitOptions } from './mutex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

// One word holds the round (high bits) and the arrivals in it (low 16 bits), so an
// arrival, a departure and the end of a round are each a single compare-and-swap:
// a waiter that leaves can never decrement the count of the next round.
//
// After PARTIES come SLOTS pairs of words saying who is in a round: OWNER (thread id + 1)
// and TAG (round + 1 once arrived, 0 before). A caller claims a slot before it arrives
// and tags it right after its arrival's compare-and-swap, with no call in between where
// a kill could land; so when a worker dies while waiting, the pool's thread finds its
// arrival and takes it out of the round, as if it had timed out.
const STATE = 0;
const PARTIES = 1;
const HEADER = 2;
const COUNT_MASK = 0xffff;
const MAX_PARTIES = COUNT_MASK;
/** Room for callers still between claiming a slot and arriving, beyond the parties-1 parked. */
const SPARE_SLOTS = 64;
const WHAT = 'at the ThreadBarrier';

const roundOf = (state: number) => state >>> 16;
const nextRound = (state: number) => (((roundOf(state) + 1) & 0x7fff) << 16) | 0;
const slotsFor = (parties: number) => parties + SPARE_SLOTS;
const bytesFor = (parties: number) =>
  (HEADER + 2 * slotsFor(parties)) * Int32Array.BYTES_PER_ELEMENT;

function checkBarrierBuffer(buffer: unknown): SharedArrayBuffer {
  const parties =
    buffer instanceof SharedArrayBuffer && buffer.byteLength >= 8
      ? (new Int32Array(buffer, 0, 2)[PARTIES] as number)
      : 1;
  return checkBuffer('ThreadBarrier', buffer, bytesFor(parties));
}

/**
 * Lets `parties` threads (and coroutines) wait for each other, in a SharedArrayBuffer.
 * The wait that completes a round returns `parties - 1`; the others return their
 * arrival index in the round. A waiter that times out or is aborted leaves the round,
 * and so does one whose worker dies while it waits (once the pool has seen it exit).
 */
export class ThreadBarrier implements SharedPrimitive {
  readonly #view: Int32Array;

  /** `new ThreadBarrier(4)` makes one; `new ThreadBarrier(other.buffer)` attaches to an existing one. */
  constructor(init: number | SharedArrayBuffer) {
    if (typeof init === 'number') {
      const parties = checkInteger('parties', init, 1, MAX_PARTIES);
      this.#view = new Int32Array(new SharedArrayBuffer(bytesFor(parties)));
      this.#view[PARTIES] = parties;
    } else this.#view = new Int32Array(checkBarrierBuffer(init));
    watchForDeadThreads(this.#view.buffer as SharedArrayBuffer, freeDead);
  }

  /** The shared memory holding the barrier; `new ThreadBarrier(buffer)` opens it again. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Parties that must arrive for a round to pass. */
  get parties(): number {
    return this.#view[PARTIES] as number;
  }

  /** Parties waiting in the current round. */
  get nWaiting(): number {
    return Atomics.load(this.#view, STATE) & COUNT_MASK;
  }

  /**
   * Blocks this worker thread until `parties` have arrived. On the main thread it only
   * passes as the last party; otherwise it throws BlockingCallError without arriving.
   */
  waitSync(options: BlockingWaitOptions = {}): number {
    const parsed = parseWaitOptions(options);
    if (isMainThread) return this.#completeOrRefuse();
    const deadline = deadlineOf(parsed.timeoutMs);
    const { round, index, slot } = this.#arrive();
    if (slot < 0) return index;
    for (;;) {
      const state = Atomics.load(this.#view, STATE);
      if (roundOf(state) !== round) return index;
      const result = blockingWait(this.#view, STATE, state, deadline, 'ThreadBarrier.waitSync()');
      if (result === 'timed-out' && this.#leave(round, slot)) throw timeoutError(parsed, WHAT);
    }
  }

  /** Waits, without blocking the event loop, until `parties` have arrived. */
  async wait(options?: SyncWaitOptions): Promise<number> {
    const parsed = parseWaitOptions(options);
    if (parsed.signal?.aborted) throw abortError(parsed.signal, WHAT);
    const deadline = deadlineOf(parsed.timeoutMs);
    const { round, index, slot } = this.#arrive();
    if (slot < 0) return index;
    for (;;) {
      const state = Atomics.load(this.#view, STATE);
      if (roundOf(state) !== round) return index;
      let result: string;
      try {
        result = await asyncWait(this.#view, STATE, state, deadline, parsed.signal, WHAT);
      } catch (error) {
        if (this.#leave(round, slot)) throw error;
        return index;
      }
      if (result === 'timed-out' && this.#leave(round, slot)) throw timeoutError(parsed, WHAT);
    }
  }

  #completeOrRefuse(): number {
    const view = this.#view;
    const parties = this.parties;
    for (;;) {
      const state = Atomics.load(view, STATE);
      const index = state & COUNT_MASK;
      if (index + 1 !== parties) {
        throw new BlockingCallError(
          "ThreadBarrier.waitSync() would block the main thread's event loop (it is not the last party); " +
            'await wait() there, and keep waitSync() for worker threads',
        );
      }
      if (Atomics.compareExchange(view, STATE, state, nextRound(state)) !== state) continue;
      Atomics.notify(view, STATE);
      return index;
    }
  }

  /** Arrives in the current round; `slot` is -1 for the caller that completed it. */
  #arrive(): { round: number; index: number; slot: number } {
    const view = this.#view;
    const parties = this.parties;
    const slot = this.#claim();
    const tags = HEADER + slotsFor(parties);
    for (;;) {
      const state = Atomics.load(view, STATE);
      const index = state & COUNT_MASK;
      const last = index + 1 === parties;
      const next = last ? nextRound(state) : state + 1;
      if (Atomics.compareExchange(view, STATE, state, next) !== state) continue;
      if (last) {
        Atomics.store(view, HEADER + slot, 0);
        Atomics.notify(view, STATE);
        return { round: roundOf(state), index, slot: -1 };
      }
      Atomics.store(view, tags + slot, roundOf(state) + 1);
      return { round: roundOf(state), index, slot };
    }
  }

  /** Claims a free slot, reclaiming those of past rounds on the way. */
  #claim(): number {
    const view = this.#view;
    const slots = slotsFor(this.parties);
    const tags = HEADER + slots;
    for (;;) {
      const live = roundOf(Atomics.load(view, STATE)) + 1;
      for (let i = 0; i < slots; i++) {
        const tag = Atomics.load(view, tags + i);
        if (tag !== 0 && tag !== live) clearSlot(view, tags, i, tag);
        if (Atomics.compareExchange(view, HEADER + i, 0, SELF) === 0) return i;
      }
    }
  }

  /** Takes this caller out of `round`; false if the round completed first (the caller was released). */
  #leave(round: number, slot: number): boolean {
    const view = this.#view;
    const tag = HEADER + slotsFor(this.parties) + slot;
    for (;;) {
      const state = Atomics.load(view, STATE);
      if (roundOf(state) !== round) return false;
      if (Atomics.compareExchange(view, STATE, state, state - 1) !== state) continue;
      // Straight on, with no call a kill could land on: a departure the pool's thread
      // would also count if the tag stayed.
      if (Atomics.compareExchange(view, tag, round + 1, 0) === round + 1) {
        Atomics.store(view, HEADER + slot, 0);
      }
      return true;
    }
  }
}

function leaveRound(view: Int32Array, round: number): boolean {
  for (;;) {
    const state = Atomics.load(view, STATE);
    if (roundOf(state) !== round) return false;
    if (Atomics.compareExchange(view, STATE, state, state - 1) === state) return true;
  }
}

/** Frees slot `i` if it still carries `tag`; whoever clears the tag clears the owner. */
function clearSlot(view: Int32Array, tags: number, i: number, tag: number): void {
  if (Atomics.compareExchange(view, tags + i, tag, 0) === tag) Atomics.store(view, HEADER + i, 0);
}

/** Run in the pool's thread when thread `dead` exited: takes its arrivals out, frees its slots. */
function freeDead(buffer: SharedArrayBuffer, dead: number): void {
  const view = new Int32Array(buffer);
  const slots = slotsFor(view[PARTIES] as number);
  const tags = HEADER + slots;
  for (let i = 0; i < slots; i++) {
    if (Atomics.load(view, HEADER + i) !== dead) continue;
    const tag = Atomics.load(view, tags + i);
    if (tag === 0) {
      // Claimed but not arrived: nothing to take out of a round.
      Atomics.compareExchange(view, HEADER + i, dead, 0);
      continue;
    }
    if (roundOf(Atomics.load(view, STATE)) + 1 === tag) leaveRound(view, tag - 1);
    clearSlot(view, tags, i, tag);
  }
}

const codec = threadCodec<ThreadBarrier>(
  'concur.thread-barrier',
  'ThreadBarrier',
  import.meta.url,
  (buffer) => new ThreadBarrier(buffer),
);
travelsWith(ThreadBarrier, codec);
