import { QueueShutDownError, QueueTaskDoneError } from '../../errors/sync-errors.ts';
import { checkBoolean, checkKnownKeys, checkLimit, checkObject } from '../../options/validate.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { FifoStore, type QueueStore } from './queue-store.ts';
import { WaiterList } from './waiter-list.ts';

/** Options of AsyncQueue, AsyncLifoQueue and AsyncPriorityQueue. */
export interface AsyncQueueOptions {
  /** Most items held; `put` waits while the queue is full. @default Infinity */
  maxsize?: number;
}

/** Options of `shutdown()` on an async queue. */
export interface QueueShutdownOptions {
  /** Drop the items still queued, so `get` rejects at once. @default false */
  immediate?: boolean;
}

/** What `tryGet()` returns: the item, or `ok: false` when the queue is empty. */
export type TryGetResult<T> =
  | {
      /** An item was queued. */
      readonly ok: true;
      /** The item, taken from the queue. */
      readonly value: T;
    }
  | {
      /** The queue was empty. */
      readonly ok: false;
    };

const EMPTY = Object.freeze({ ok: false as const });

/**
 * A first-in, first-out queue for coroutines (asyncio.Queue). `put` waits while the
 * queue is full, `get` while it is empty; both serve their waiters first in, first
 * out. `taskDone()` and `join()` track items consumed; `shutdown()` ends it.
 * Not for threads or processes.
 */
export class AsyncQueue<T> {
  /** Option names this class accepts; a subclass with more options extends the list. */
  protected static readonly optionKeys: readonly string[] = ['maxsize'];
  readonly #store: QueueStore<T>;
  readonly #maxsize: number;
  readonly #getters: WaiterList<T>;
  readonly #putters: WaiterList<void, T>;
  readonly #joiners: WaiterList<void>;
  #unfinished = 0;
  #shutDown = false;

  constructor(options: AsyncQueueOptions = {}) {
    checkObject('options', options);
    checkKnownKeys(`an ${new.target.name}`, options, (new.target as typeof AsyncQueue).optionKeys);
    this.#maxsize = checkLimit('maxsize', options.maxsize ?? Number.POSITIVE_INFINITY, 1);
    this.#store = this.createStore(options);
    const name = new.target.name;
    this.#getters = new WaiterList(`to get from the ${name}`);
    this.#putters = new WaiterList(`to put into the ${name}`);
    this.#joiners = new WaiterList(`for the ${name} to be joined`);
  }

  /** Refuses an item the store could not order (throws); every item is accepted here. */
  protected checkItem(_item: T): void {}

  /** The item order: FIFO here, LIFO and priority in the subclasses. */
  protected createStore(_options: AsyncQueueOptions): QueueStore<T> {
    return new FifoStore();
  }

  /** Most items held (`Infinity` when unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Items in the queue now. */
  get size(): number {
    return this.#store.size;
  }

  /** True when no item is queued. */
  get empty(): boolean {
    return this.#store.size === 0;
  }

  /** True when `maxsize` items are queued: `put` would wait. */
  get full(): boolean {
    return this.#store.size >= this.#maxsize;
  }

  /** True once `shutdown()` was called. */
  get isShutDown(): boolean {
    return this.#shutDown;
  }

  /** Adds `item`, waiting while the queue is full. Rejects with QueueShutDownError after `shutdown()`. */
  put(item: T, options?: SyncWaitOptions): Promise<void> {
    const parsed = parseWaitOptions(options);
    try {
      this.checkItem(item);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#shutDown) return Promise.reject(this.#shutDownError('put'));
    if (parsed.signal?.aborted !== true && this.#tryAdd(item)) return Promise.resolve();
    return this.#putters.wait(parsed, item);
  }

  /** Adds `item` if there is room now, without waiting; returns whether it did. */
  tryPut(item: T): boolean {
    this.checkItem(item);
    if (this.#shutDown) throw this.#shutDownError('tryPut');
    return this.#tryAdd(item);
  }

  /** Removes and returns the next item, waiting while the queue is empty. */
  get(options?: SyncWaitOptions): Promise<T> {
    const parsed = parseWaitOptions(options);
    const aborted = parsed.signal?.aborted === true;
    if (!aborted && this.#store.size > 0) return Promise.resolve(this.#take());
    // An aborted signal rejects with AbortError like every wait, leaving the items to the
    // next get: "shut down and empty" would tell a consumer to stop while items remain.
    if (this.#shutDown && this.#store.size === 0) {
      return Promise.reject(this.#shutDownError('get'));
    }
    return this.#getters.wait(parsed, undefined);
  }

  /** Removes and returns the next item if there is one now, without waiting. */
  tryGet(): TryGetResult<T> {
    if (this.#store.size > 0) return { ok: true, value: this.#take() };
    if (this.#shutDown) throw this.#shutDownError('tryGet');
    return EMPTY;
  }

  /** Marks one item taken with `get` as processed; `join()` resolves when none is left unprocessed. */
  taskDone(): void {
    if (this.#unfinished === 0) {
      throw new QueueTaskDoneError(
        'taskDone() was called more times than items were put in the queue',
      );
    }
    if (--this.#unfinished === 0) this.#joiners.resolveAll(() => undefined);
  }

  /** Resolves when every item put has been marked with `taskDone()`. */
  join(options?: SyncWaitOptions): Promise<void> {
    const parsed = parseWaitOptions(options);
    if (this.#unfinished === 0 && parsed.signal?.aborted !== true) return Promise.resolve();
    return this.#joiners.wait(parsed, undefined);
  }

  /**
   * Stops the queue: waiting and later `put`s reject with QueueShutDownError; `get`
   * keeps returning queued items, then rejects. With `immediate`, queued items are
   * dropped (and count as done for `join()`), so `get` rejects at once.
   */
  shutdown(options: QueueShutdownOptions = {}): void {
    checkObject('options', options);
    checkKnownKeys('shutdown()', options, ['immediate']);
    const immediate = checkBoolean('immediate', options.immediate ?? false);
    this.#shutDown = true;
    if (immediate) {
      this.#unfinished -= this.#store.size;
      this.#store.clear();
      if (this.#unfinished === 0) this.#joiners.resolveAll(() => undefined);
    }
    this.#putters.rejectAll(() => this.#shutDownError('put'));
    if (this.#store.size === 0) this.#getters.rejectAll(() => this.#shutDownError('get'));
  }

  #tryAdd(item: T): boolean {
    if (this.#putters.size > 0 || this.#store.size >= this.#maxsize) return false;
    this.#add(item);
    return true;
  }

  #add(item: T): void {
    this.#unfinished++;
    // A waiting getter means the store is empty, so handing the item over directly keeps any order.
    if (!this.#getters.resolveFirst(item)) this.#store.add(item);
  }

  #take(): T {
    const item = this.#store.take();
    while (this.#putters.size > 0 && this.#store.size < this.#maxsize) {
      const next = this.#putters.peek() as T;
      this.#putters.resolveFirst(undefined);
      this.#add(next);
    }
    return item;
  }

  #shutDownError(what: string): QueueShutDownError {
    return new QueueShutDownError(
      `${what}() on a ${this.constructor.name} that was shut down${what === 'put' || what === 'tryPut' ? '' : ' and is empty'}`,
    );
  }
}
