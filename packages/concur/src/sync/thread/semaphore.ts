import { SemaphoreOverReleaseError } from '../../errors/sync-errors.ts';
import { checkInteger } from '../../options/validate.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { travelsWith } from '../travels-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, timeoutError } from './futex.ts';
import type { BlockingWaitOptions } from './mutex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

const VALUE = 0;
const BYTES = Int32Array.BYTES_PER_ELEMENT;
/** The most permits the Int32 word holds; one more would wrap to -2^31 and never grant again. */
const MAX_VALUE = 2 ** 31 - 1;
const WHAT = 'to acquire the ThreadSemaphore';

/**
 * A counting semaphore shared by worker threads, in a SharedArrayBuffer: at most
 * `value` holders at once across every thread. `acquireSync()` blocks a worker
 * thread; `acquire()` waits without blocking the event loop. Not first in, first out.
 * Permits are not owned: a thread that dies holding one does not give it back.
 */
export class ThreadSemaphore implements SharedPrimitive {
  readonly #view: Int32Array;

  /** `new ThreadSemaphore(3)` makes one; `new ThreadSemaphore(other.buffer)` attaches to an existing one. */
  constructor(init: number | SharedArrayBuffer = 1) {
    if (typeof init === 'number') {
      this.#view = new Int32Array(new SharedArrayBuffer(BYTES));
      this.#view[VALUE] = checkInteger('value', init, 0, MAX_VALUE);
    } else this.#view = new Int32Array(checkBuffer('ThreadSemaphore', init, BYTES));
  }

  /** The shared memory holding the semaphore; `new ThreadSemaphore(buffer)` opens it again. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** Permits free right now. */
  get value(): number {
    return Atomics.load(this.#view, VALUE);
  }

  /** Takes a permit if one is free now, without waiting; `undefined` otherwise. */
  tryAcquire(): ReleaseHandle | undefined {
    const view = this.#view;
    for (let v = Atomics.load(view, VALUE); v > 0; v = Atomics.load(view, VALUE)) {
      if (Atomics.compareExchange(view, VALUE, v, v - 1) === v) return this.#handle();
    }
    return undefined;
  }

  /** Blocks this worker thread until it gets a permit (on the main thread: BlockingCallError unless one is free). */
  acquireSync(options: BlockingWaitOptions = {}): ReleaseHandle {
    const parsed = parseWaitOptions(options);
    const deadline = deadlineOf(parsed.timeoutMs);
    for (;;) {
      const handle = this.tryAcquire();
      if (handle !== undefined) return handle;
      const seen = Atomics.load(this.#view, VALUE);
      if (seen > 0) continue;
      const result = blockingWait(
        this.#view,
        VALUE,
        seen,
        deadline,
        'ThreadSemaphore.acquireSync()',
      );
      if (result === 'timed-out') throw timeoutError(parsed, WHAT);
    }
  }

  /** Waits for a permit without blocking the event loop. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    const parsed = parseWaitOptions(options);
    const deadline = deadlineOf(parsed.timeoutMs);
    if (parsed.signal?.aborted) throw abortError(parsed.signal, WHAT);
    for (;;) {
      const handle = this.tryAcquire();
      if (handle !== undefined) return handle;
      const seen = Atomics.load(this.#view, VALUE);
      if (seen > 0) continue;
      const result = await asyncWait(this.#view, VALUE, seen, deadline, parsed.signal, WHAT);
      if (result === 'timed-out') throw timeoutError(parsed, WHAT);
    }
  }

  /** Returns one permit and wakes one waiter. Throws SemaphoreOverReleaseError at 2^31 - 1 permits. */
  release(): void {
    const view = this.#view;
    for (;;) {
      const value = Atomics.load(view, VALUE);
      if (value >= MAX_VALUE) {
        throw new SemaphoreOverReleaseError(
          `release() would raise the ThreadSemaphore above ${MAX_VALUE} permits, the most it can count`,
        );
      }
      if (Atomics.compareExchange(view, VALUE, value, value + 1) === value) break;
    }
    Atomics.notify(view, VALUE, 1);
  }

  /** Runs `fn` holding a permit, and releases it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }

  #handle(): ReleaseHandle {
    return new ReleaseHandle(() => this.release());
  }
}

const codec = threadCodec<ThreadSemaphore>(
  'concur.thread-semaphore',
  'ThreadSemaphore',
  import.meta.url,
  (buffer) => new ThreadSemaphore(buffer),
);
travelsWith(ThreadSemaphore, codec);
