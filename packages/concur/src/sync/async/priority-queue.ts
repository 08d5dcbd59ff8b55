import { invalid } from '../../options/validate.ts';
import { AsyncQueue, type AsyncQueueOptions } from './queue.ts';
import { HeapStore, type QueueStore } from './queue-store.ts';

/** Options of AsyncPriorityQueue. */
export interface AsyncPriorityQueueOptions<T> extends AsyncQueueOptions {
  /**
   * Orders items: negative when `a` comes out before `b`. Items that compare equal
   * come out in the order they were put.
   * @default ascending by `<`, for items that are all numbers (not NaN), all strings or
   * all bigints; `put` refuses anything else with InvalidArgumentError (`<` has no order
   * for NaN, objects or mixed types, and the heap would come out unsorted)
   */
  compare?: (a: T, b: T) => number;
}

function ascending(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

const ORDERED = ['number', 'string', 'bigint'];

/**
 * An AsyncQueue that hands out the smallest item first (asyncio.PriorityQueue).
 *
 * @example
 * const jobs = new AsyncPriorityQueue<{ priority: number; url: string }>({
 *   compare: (a, b) => a.priority - b.priority,
 * });
 */
export class AsyncPriorityQueue<T> extends AsyncQueue<T> {
  protected static override readonly optionKeys: readonly string[] = ['maxsize', 'compare'];

  /** With the default order: the type every item must have (the first item's), once known. */
  #keyType: string | undefined;
  readonly #checks: boolean;

  constructor(options: AsyncPriorityQueueOptions<T> = {}) {
    super(options);
    this.#checks = options.compare === undefined;
  }

  protected override createStore(options: AsyncPriorityQueueOptions<T>): QueueStore<T> {
    const compare = options.compare ?? ascending;
    if (typeof compare !== 'function') throw invalid('compare', 'a function', compare);
    return new HeapStore(compare);
  }

  protected override checkItem(item: T): void {
    if (!this.#checks) return;
    const type = typeof item;
    const ok =
      (this.#keyType === undefined ? ORDERED.includes(type) : type === this.#keyType) &&
      !Number.isNaN(item);
    if (!ok) {
      const expected =
        this.#keyType === undefined
          ? 'a number (not NaN), a string or a bigint'
          : `a ${this.#keyType}${this.#keyType === 'number' ? ' (not NaN)' : ''}, like the first item`;
      throw invalid(
        'item',
        `${expected} for the default order; pass \`compare\` to order anything else`,
        item,
      );
    }
    this.#keyType = type;
  }
}
