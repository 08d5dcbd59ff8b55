import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { WaiterList } from './waiter-list.ts';

/**
 * A flag coroutines can wait for (asyncio.Event): `set()` wakes every waiter,
 * and `wait()` returns at once while the flag is set, until `clear()`.
 */
export class AsyncEvent {
  #set = false;
  readonly #waiters = new WaiterList<void>('for the AsyncEvent');

  /** True while the flag is set. */
  get isSet(): boolean {
    return this.#set;
  }

  /** Coroutines waiting for the flag. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    this.#waiters.resolveAll(() => undefined);
  }

  /** Clears the flag: later `wait()` calls wait again. */
  clear(): void {
    this.#set = false;
  }

  /** Resolves once the flag is set. */
  wait(options?: SyncWaitOptions): Promise<void> {
    const parsed = parseWaitOptions(options);
    if (this.#set && parsed.signal?.aborted !== true) return Promise.resolve();
    return this.#waiters.wait(parsed, undefined);
  }
}
