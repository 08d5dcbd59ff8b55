import {
  AbandonedMutexError,
  BlockingCallError,
  LockNotHeldError,
} from '../../errors/sync-errors.ts';
import { onWorkerExit, type WireTarget } from '../../runtime/wire.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { travelsWith } from '../travels-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { abortError, asyncWait, blockingWait, deadlineOf, SELF, timeoutError } from './futex.ts';
import { checkBuffer, type SharedPrimitive, threadCodec } from './shared-buffer.ts';

// Layout of the Int32Array: the futex word (Drepper's "mutex2": 0 free, 1 held,
// 2 held and maybe waited on), the holder's thread id + 1, and the id + 1 of a
// holder that died with it.
const STATE = 0;
const OWNER = 1;
const ABANDONED = 2;
const BYTES = 3 * Int32Array.BYTES_PER_ELEMENT;
/** A short spin before sleeping: a critical section is often shorter than a futex round trip. */
const SPINS = 100;
const WHAT = 'to lock the ThreadMutex';

let viewOf: (mutex: ThreadMutex) => Int32Array;

/** Options of blocking waits: a blocked thread cannot observe an AbortSignal. */
export interface BlockingWaitOptions {
  /** Throw a TimeoutError after this many milliseconds. @default no timeout */
  timeoutMs?: number;
}

/**
 * A mutual-exclusion lock shared by worker threads, in a SharedArrayBuffer. Pass
 * it to ThreadPoolExecutor tasks as an argument: the worker gets the same lock.
 *
 * - In a worker: `lock()` blocks the thread (`using held = mutex.lock()`).
 * - Anywhere, and always on the main thread: `await mutex.acquire()` waits through
 *   Atomics.waitAsync and never blocks the event loop.
 *
 * Not first in, first out: like a pthread mutex, whichever waiter wakes first wins.
 * A worker that exits holding it (process.exit, a crash, recycling) abandons it: the
 * pool's parent frees it, and the next acquirer gets one AbandonedMutexError
 * (without the lock) so it can check the data the mutex guards.
 */
export class ThreadMutex implements SharedPrimitive {
  readonly #view: Int32Array;

  /** A new mutex, or, given another mutex's `buffer`, the same mutex (e.g. after it travelled inside an object). */
  constructor(buffer?: SharedArrayBuffer) {
    this.#view = new Int32Array(
      buffer === undefined
        ? new SharedArrayBuffer(BYTES)
        : checkBuffer('ThreadMutex', buffer, BYTES),
    );
  }

  get buffer(): SharedArrayBuffer {
    return this.#view.buffer as SharedArrayBuffer;
  }

  get locked(): boolean {
    return Atomics.load(this.#view, STATE) !== 0;
  }

  /** Thread id of the holder (0 is the main thread), or undefined when free. */
  get ownerId(): number | undefined {
    const owner = Atomics.load(this.#view, OWNER);
    return owner === 0 ? undefined : owner - 1;
  }

  /** Takes the mutex if it is free now. */
  tryLock(): ReleaseHandle | undefined {
    if (Atomics.compareExchange(this.#view, STATE, 0, 1) !== 0) return undefined;
    return this.#taken();
  }

  /**
   * Blocks this worker thread until it holds the mutex. On the main thread it only
   * succeeds if the mutex is free, and otherwise throws BlockingCallError.
   */
  lock(options: BlockingWaitOptions = {}): ReleaseHandle {
    const parsed = parseWaitOptions(options);
    this.#checkNotMine();
    const view = this.#view;
    let c = this.#spin();
    if (c !== 0) {
      const deadline = deadlineOf(parsed.timeoutMs);
      if (c !== 2) c = Atomics.exchange(view, STATE, 2);
      while (c !== 0) {
        if (blockingWait(view, STATE, 2, deadline, 'ThreadMutex.lock()') === 'timed-out') {
          throw timeoutError(parsed, WHAT);
        }
        c = Atomics.exchange(view, STATE, 2);
      }
    }
    return this.#taken();
  }

  /** Waits without blocking the event loop until this caller holds the mutex. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    const parsed = parseWaitOptions(options);
    const view = this.#view;
    if (parsed.signal?.aborted) throw abortError(parsed.signal, WHAT);
    if (Atomics.compareExchange(view, STATE, 0, 1) === 0) return this.#taken();
    const deadline = deadlineOf(parsed.timeoutMs);
    let c = Atomics.exchange(view, STATE, 2);
    while (c !== 0) {
      const result = await asyncWait(view, STATE, 2, deadline, parsed.signal, WHAT);
      if (result === 'timed-out') throw timeoutError(parsed, WHAT);
      c = Atomics.exchange(view, STATE, 2);
    }
    return this.#taken();
  }

  /** Frees the mutex. Only the thread that holds it may. */
  unlock(): void {
    const view = this.#view;
    if (Atomics.load(view, OWNER) !== SELF || Atomics.load(view, STATE) === 0) {
      throw new LockNotHeldError(
        'unlock() was called on a ThreadMutex that this thread does not hold',
      );
    }
    Atomics.store(view, OWNER, 0);
    if (Atomics.sub(view, STATE, 1) !== 1) {
      Atomics.store(view, STATE, 0);
      Atomics.notify(view, STATE, 1);
    }
  }

  /** Runs `fn` holding the mutex (acquired without blocking) and frees it however `fn` ends. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }

  #spin(): number {
    const view = this.#view;
    let c = Atomics.compareExchange(view, STATE, 0, 1);
    for (let i = 0; c !== 0 && i < SPINS; i++) {
      if (Atomics.load(view, STATE) === 0) c = Atomics.compareExchange(view, STATE, 0, 1);
    }
    return c;
  }

  #checkNotMine(): void {
    if (Atomics.load(this.#view, OWNER) === SELF) {
      throw new BlockingCallError(
        'lock() was called by the thread that already holds this ThreadMutex: it would wait forever ' +
          '(the mutex is not re-entrant; with concurrent tasks in one worker, use acquire())',
      );
    }
  }

  /** Records the new holder, and reports (once) that the previous one died holding it. */
  #taken(): ReleaseHandle {
    const view = this.#view;
    Atomics.store(view, OWNER, SELF);
    const dead = Atomics.load(view, ABANDONED);
    if (dead !== 0 && Atomics.compareExchange(view, ABANDONED, dead, 0) === dead) {
      this.unlock();
      throw new AbandonedMutexError(
        `The ThreadMutex was abandoned: worker thread ${dead - 1} exited while holding it, so the data ` +
          'it guards may be half-updated. It is free again; check that data, then lock again.',
        dead - 1,
      );
    }
    return new ReleaseHandle(() => this.unlock());
  }

  static {
    viewOf = (mutex) => mutex.#view;
  }
}

// Mutexes sent to workers, so the parent can free those a dead worker held. Weak:
// a mutex the program dropped must not be kept alive by having once travelled.
const sent = new Set<WeakRef<ThreadMutex>>();
const tracked = new WeakSet<ThreadMutex>();
let watching = false;

function track(mutex: ThreadMutex): void {
  if (tracked.has(mutex)) return;
  tracked.add(mutex);
  sent.add(new WeakRef(mutex));
  if (watching) return;
  watching = true;
  onWorkerExit(freeHeldBy);
}

function freeHeldBy(worker: WireTarget): void {
  if (worker.runtime !== 'thread') return;
  const dead = worker.workerId + 1;
  for (const ref of sent) {
    const mutex = ref.deref();
    if (mutex === undefined) {
      sent.delete(ref);
      continue;
    }
    const view = viewOf(mutex);
    if (Atomics.compareExchange(view, OWNER, dead, 0) !== dead) continue;
    Atomics.store(view, ABANDONED, dead);
    Atomics.store(view, STATE, 0);
    Atomics.notify(view, STATE, 1);
  }
}

const mutexCodec = threadCodec<ThreadMutex>(
  'concur.thread-mutex',
  'ThreadMutex',
  import.meta.url,
  (buffer) => new ThreadMutex(buffer),
  track,
);
travelsWith(ThreadMutex, mutexCodec);
