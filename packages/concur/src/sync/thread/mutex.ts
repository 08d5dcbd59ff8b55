import { TimeoutError } from '../../errors/errors.ts';
import {
  AbandonedMutexError,
  BlockingCallError,
  LockNotHeldError,
} from '../../errors/sync-errors.ts';
import type { WireCodec } from '../../runtime/wire.ts';
import { parseNameOption } from '../name-option.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { travelsWith } from '../travels-with.ts';
import { type ParsedWaitOptions, parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { watchForDeadThreads } from './dead-threads.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, SELF } from './futex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

// Layout of the Int32Array. STATE is the futex word and names the holder: 0 when free,
// else (holder's thread id + 1) << 1, plus 1 while others may be waiting (Drepper's
// "mutex2" with the owner folded in). Taking the lock and recording who took it are one
// compare-and-swap, so a thread killed at any instruction leaves either a free mutex or
// one its id is on, which the parent frees; with the owner in a word of its own, a kill
// between the two writes left it locked by nobody, for ever. ABANDONED is the id + 1 of
// a holder that died with it, until the next acquirer is told.
const STATE = 0;
const ABANDONED = 1;
const BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;
/** A short spin before sleeping: a critical section is often shorter than a futex round trip. */
const SPINS = 100;
const ME = SELF << 1;

/** Options of blocking waits: a blocked thread cannot observe an AbortSignal. */
export interface BlockingWaitOptions {
  /** Throw a TimeoutError after this many milliseconds. @default no timeout */
  timeoutMs?: number;
}

/** Options of ThreadMutex. */
export interface ThreadMutexOptions {
  /** Names the mutex in errors (a TimeoutError says which mutex and who holds it); travels with it. */
  name?: string;
}

/**
 * A mutual-exclusion lock shared by worker threads, in a SharedArrayBuffer. Pass
 * it to ThreadPoolExecutor tasks (as an argument, or anywhere inside one): the worker
 * gets the same lock.
 *
 * - In a worker: `lock()` blocks the thread (`using held = mutex.lock()`).
 * - Anywhere, and always on the main thread: `await mutex.acquire()` waits through
 *   Atomics.waitAsync and never blocks the event loop.
 *
 * Not first in, first out: like a pthread mutex, whichever waiter wakes first wins.
 * A worker that exits holding it (process.exit, a crash, a timeout, recycling) abandons
 * it: the pool's thread frees it, and the next acquirer gets one AbandonedMutexError
 * (without the lock) so it can check the data the mutex guards.
 */
export class ThreadMutex implements SharedPrimitive {
  readonly #view: Int32Array;
  readonly #name: string | undefined;

  /**
   * `new ThreadMutex()` or `new ThreadMutex({ name })` makes one; `new ThreadMutex(other.buffer)`
   * attaches to an existing one (e.g. after its buffer travelled on its own).
   */
  constructor(init?: SharedArrayBuffer | ThreadMutexOptions, options?: ThreadMutexOptions) {
    const buffer = init instanceof SharedArrayBuffer || init === undefined ? init : undefined;
    const opts = buffer === init ? options : (init as ThreadMutexOptions);
    this.#view = new Int32Array(
      buffer === undefined
        ? new SharedArrayBuffer(BYTES)
        : checkBuffer('ThreadMutex', buffer, BYTES),
    );
    this.#name = parseNameOption('a ThreadMutex', opts);
    watchForDeadThreads(this.#view.buffer as SharedArrayBuffer, freeDead);
  }

  /** The shared memory holding the mutex; `new ThreadMutex(buffer)` opens it again. */
  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  /** The name given at construction, used in its errors. */
  get name(): string | undefined {
    return this.#name;
  }

  /** True while some thread holds the mutex. */
  get locked(): boolean {
    return Atomics.load(this.#view, STATE) !== 0;
  }

  /** Thread id of the holder (0 is the main thread), or undefined when free. */
  get ownerId(): number | undefined {
    const state = Atomics.load(this.#view, STATE);
    return state === 0 ? undefined : (state >>> 1) - 1;
  }

  /** Takes the mutex if it is free now. */
  tryLock(): ReleaseHandle | undefined {
    if (Atomics.compareExchange(this.#view, STATE, 0, ME) !== 0) return undefined;
    return this.#taken();
  }

  /**
   * Blocks this worker thread until it holds the mutex. On the main thread it only
   * succeeds if the mutex is free, and otherwise throws BlockingCallError.
   */
  lock(options: BlockingWaitOptions = {}): ReleaseHandle {
    const parsed = parseWaitOptions(options);
    const view = this.#view;
    if (this.#spin()) return this.#taken();
    const state = Atomics.load(view, STATE);
    if (state >>> 1 === SELF) {
      throw new BlockingCallError(
        'lock() was called by the thread that already holds this ThreadMutex: it would wait forever ' +
          '(the mutex is not re-entrant; with concurrent tasks in one worker, use acquire())',
      );
    }
    const deadline = deadlineOf(parsed.timeoutMs);
    for (;;) {
      const expected = this.#contend();
      if (expected === 0) return this.#taken();
      if (blockingWait(view, STATE, expected, deadline, 'ThreadMutex.lock()') === 'timed-out') {
        throw this.#timeoutError(parsed);
      }
    }
  }

  /** Waits without blocking the event loop until this caller holds the mutex. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    const parsed = parseWaitOptions(options);
    const view = this.#view;
    if (parsed.signal?.aborted) throw abortError(parsed.signal, this.#what());
    if (Atomics.compareExchange(view, STATE, 0, ME) === 0) return this.#taken();
    const deadline = deadlineOf(parsed.timeoutMs);
    for (;;) {
      const expected = this.#contend();
      if (expected === 0) return this.#taken();
      const result = await asyncWait(view, STATE, expected, deadline, parsed.signal, this.#what());
      if (result === 'timed-out') throw this.#timeoutError(parsed);
    }
  }

  /** Frees the mutex. Only the thread that holds it may. */
  unlock(): void {
    const view = this.#view;
    const state = Atomics.load(view, STATE);
    if (state >>> 1 !== SELF) {
      throw new LockNotHeldError(
        `unlock() was called on ${this.#label()} that this thread does not hold`,
      );
    }
    if (Atomics.exchange(view, STATE, 0) & 1) Atomics.notify(view, STATE, 1);
  }

  /** Runs `fn` holding the mutex (acquired without blocking) and frees it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }

  #spin(): boolean {
    const view = this.#view;
    for (let i = 0; i <= SPINS; i++) {
      if (Atomics.load(view, STATE) === 0 && Atomics.compareExchange(view, STATE, 0, ME) === 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the mutex if free (returns 0), or marks it waited-on and returns the word to
   * sleep on. Having waited, it takes the mutex marked waited-on too: others may still sleep.
   */
  #contend(): number {
    const view = this.#view;
    for (;;) {
      const state = Atomics.load(view, STATE);
      if (state === 0) {
        if (Atomics.compareExchange(view, STATE, 0, ME | 1) === 0) return 0;
      } else if (state & 1) return state;
      else if (Atomics.compareExchange(view, STATE, state, state | 1) === state) return state | 1;
    }
  }

  /** Reports (once) that the previous holder died holding it. */
  #taken(): ReleaseHandle {
    const view = this.#view;
    const dead = Atomics.load(view, ABANDONED);
    if (dead !== 0 && Atomics.compareExchange(view, ABANDONED, dead, 0) === dead) {
      this.unlock();
      throw new AbandonedMutexError(
        `${capitalize(this.#label())} was abandoned: worker thread ${dead - 1} exited while holding it, so the data ` +
          'it guards may be half-updated. It is free again; check that data, then lock again.',
        dead - 1,
      );
    }
    return new ReleaseHandle(() => this.unlock());
  }

  #label(): string {
    return this.#name === undefined ? 'a ThreadMutex' : `the ThreadMutex "${this.#name}"`;
  }

  #what(): string {
    return `to lock ${this.#name === undefined ? 'the ThreadMutex' : this.#label()}`;
  }

  #timeoutError(parsed: ParsedWaitOptions): TimeoutError {
    const ms = parsed.timeoutMs ?? 0;
    const owner = this.ownerId;
    const holder =
      owner === undefined
        ? ''
        : owner === 0
          ? ', held by the main thread (thread 0)'
          : `, held by worker thread ${owner}`;
    return new TimeoutError(`Timed out after ${ms} ms waiting ${this.#what()}${holder}`, ms);
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Run in the pool's thread when thread `dead` exited: frees the mutex if it held it. */
function freeDead(buffer: SharedArrayBuffer, dead: number): void {
  const view = new Int32Array(buffer);
  for (;;) {
    const state = Atomics.load(view, STATE);
    if (state === 0 || state >>> 1 !== dead) return;
    // An abandonment not yet reported stands: its taker died before it could be told,
    // so it never ran code under the lock, and the older report covers both.
    Atomics.compareExchange(view, ABANDONED, 0, dead);
    if (Atomics.compareExchange(view, STATE, state, 0) === state) {
      Atomics.notify(view, STATE, 1);
      return;
    }
  }
}

interface WireForm {
  readonly buffer: SharedArrayBuffer;
  readonly name: string | undefined;
}

const sharedCodec = threadCodec<ThreadMutex>(
  'concur.thread-mutex',
  'ThreadMutex',
  import.meta.url,
  (buffer) => new ThreadMutex(buffer),
);
const mutexCodec: WireCodec<ThreadMutex, WireForm> = {
  name: sharedCodec.name,
  moduleUrl: sharedCodec.moduleUrl,
  encode: (value, route) => ({ buffer: sharedCodec.encode(value, route), name: value.name }),
  decode: ({ buffer, name }) => new ThreadMutex(buffer, name === undefined ? {} : { name }),
};
travelsWith(ThreadMutex, mutexCodec);
