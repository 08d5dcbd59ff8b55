import type { ParsedWaitOptions } from '../wait-options.ts';
import { WaiterList } from './waiter-list.ts';

/**
 * A count of free permits plus the FIFO list of callers waiting for one: the core
 * of AsyncLock and the async semaphores. A released permit goes straight to the
 * oldest waiter, so `value > 0` and waiters never coexist and a newcomer cannot
 * overtake a waiter.
 */
export class Permits {
  #value: number;
  readonly #waiters: WaiterList<void>;

  constructor(value: number, what: string) {
    this.#value = value;
    this.#waiters = new WaiterList(what);
  }

  get value(): number {
    return this.#value;
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  tryTake(): boolean {
    if (this.#value === 0) return false;
    this.#value--;
    return true;
  }

  take(options: ParsedWaitOptions): Promise<void> {
    if (options.signal?.aborted !== true && this.tryTake()) return Promise.resolve();
    return this.#waiters.wait(options, undefined);
  }

  give(): void {
    if (!this.#waiters.resolveFirst(undefined)) this.#value++;
  }
}
