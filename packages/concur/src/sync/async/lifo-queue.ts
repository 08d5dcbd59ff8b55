import { AsyncQueue } from './queue.ts';
import { LifoStore, type QueueStore } from './queue-store.ts';

/** An AsyncQueue that hands out the most recently added item first (asyncio.LifoQueue). */
export class AsyncLifoQueue<T> extends AsyncQueue<T> {
  protected override createStore(): QueueStore<T> {
    return new LifoStore();
  }
}
