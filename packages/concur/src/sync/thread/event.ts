import { travelsWith } from '../travels-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, timeoutError } from './futex.ts';
import type { BlockingWaitOptions } from './mutex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

// One word: bit 0 is the flag, the bits above count the times it was set. A waiter sleeps
// while the word is what it saw, so `set(); clear();` still wakes it: the count moved.
const FLAG = 0;
const BYTES = Int32Array.BYTES_PER_ELEMENT;
const WHAT = 'for the ThreadEvent';

/**
 * A flag shared by worker threads: `set()` wakes every thread and coroutine waiting
 * on it (even if `clear()` follows at once, like AsyncEvent); waits return at once
 * while it is set, until `clear()`.
 */
export class ThreadEvent implements SharedPrimitive {
  readonly #view: Int32Array;

  /** A new event, or, given another event's `buffer`, the same event. */
  constructor(buffer?: SharedArrayBuffer) {
    this.#view = new Int32Array(
      buffer === undefined
        ? new SharedArrayBuffer(BYTES)
        : checkBuffer('ThreadEvent', buffer, BYTES),
    );
  }

  /** The shared memory holding the flag; `new ThreadEvent(buffer)` opens it again. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** True while the flag is set. */
  get isSet(): boolean {
    return (Atomics.load(this.#view, FLAG) & 1) === 1;
  }

  /** Sets the flag and wakes every waiter, even one that a `clear()` right after would have missed. */
  set(): void {
    const view = this.#view;
    for (;;) {
      const word = Atomics.load(view, FLAG);
      if (word & 1) return;
      if (Atomics.compareExchange(view, FLAG, word, (word + 2) | 1) === word) break;
    }
    Atomics.notify(view, FLAG);
  }

  /** Clears the flag. */
  clear(): void {
    Atomics.and(this.#view, FLAG, ~1);
  }

  /** Blocks this worker thread until the event is set. */
  waitSync(options: BlockingWaitOptions = {}): void {
    const parsed = parseWaitOptions(options);
    const deadline = deadlineOf(parsed.timeoutMs);
    const seen = Atomics.load(this.#view, FLAG);
    if (seen & 1) return;
    while (Atomics.load(this.#view, FLAG) === seen) {
      if (
        blockingWait(this.#view, FLAG, seen, deadline, 'ThreadEvent.waitSync()') === 'timed-out'
      ) {
        throw timeoutError(parsed, WHAT);
      }
    }
  }

  /** Waits, without blocking the event loop, until the event is set. */
  async wait(options?: SyncWaitOptions): Promise<void> {
    const parsed = parseWaitOptions(options);
    const deadline = deadlineOf(parsed.timeoutMs);
    if (parsed.signal?.aborted) throw abortError(parsed.signal, WHAT);
    const seen = Atomics.load(this.#view, FLAG);
    if (seen & 1) return;
    while (Atomics.load(this.#view, FLAG) === seen) {
      const result = await asyncWait(this.#view, FLAG, seen, deadline, parsed.signal, WHAT);
      if (result === 'timed-out') throw timeoutError(parsed, WHAT);
    }
  }
}

const codec = threadCodec<ThreadEvent>(
  'concur.thread-event',
  'ThreadEvent',
  import.meta.url,
  (buffer) => new ThreadEvent(buffer),
);
travelsWith(ThreadEvent, codec);
