import { invalid } from '../../options/validate.ts';
import { AsyncQueue, type AsyncQueueOptions } from './queue.ts';
import { HeapStore, type QueueStore } from './queue-store.ts';

export interface AsyncPriorityQueueOptions<T> extends AsyncQueueOptions {
  /**
   * Orders items: negative when `a` comes out before `b`. Items that compare equal
   * come out in the order they were put.
   * @default ascending by `<` (numbers, strings)
   */
  compare?: (a: T, b: T) => number;
}

function ascending(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

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

  constructor(options: AsyncPriorityQueueOptions<T> = {}) {
    super(options);
  }

  protected override createStore(options: AsyncPriorityQueueOptions<T>): QueueStore<T> {
    const compare = options.compare ?? ascending;
    if (typeof compare !== 'function') throw invalid('compare', 'a function', compare);
    return new HeapStore(compare);
  }
}
