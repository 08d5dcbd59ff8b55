import { BrokenBarrierError } from '../../errors/sync-errors.ts';
import { checkInteger } from '../../options/validate.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { WaiterList } from './waiter-list.ts';

/**
 * Lets `parties` coroutines wait for each other (asyncio.Barrier): each `wait()`
 * resolves when the `parties`-th caller arrives, then the barrier starts the next
 * round. Unlike asyncio, a waiter that is aborted or times out simply leaves the
 * round (it does not break the barrier), so the round still needs `parties` callers.
 * `abort()` breaks the barrier until `reset()`.
 */
export class AsyncBarrier {
  readonly #parties: number;
  #round: WaiterList<number>;
  #broken = false;

  constructor(parties: number) {
    this.#parties = checkInteger('parties', parties, 1);
    this.#round = this.#newRound();
  }

  /** Parties that must arrive for a round to pass. */
  get parties(): number {
    return this.#parties;
  }

  /** Callers waiting in the current round. */
  get nWaiting(): number {
    return this.#round.size;
  }

  /** True after `abort()`, until `reset()`. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Resolves with this caller's arrival index in its round, 0 to parties - 1. */
  wait(options?: SyncWaitOptions): Promise<number> {
    const parsed = parseWaitOptions(options);
    if (this.#broken) return Promise.reject(this.#brokenError());
    if (parsed.signal?.aborted !== true && this.#round.size === this.#parties - 1) {
      const index = this.#round.size;
      const round = this.#round;
      this.#round = this.#newRound();
      round.resolveAll((_data, i) => i);
      return Promise.resolve(index);
    }
    return this.#round.wait(parsed, undefined);
  }

  /** Rejects the current round's waiters with BrokenBarrierError and makes the barrier usable again. */
  reset(): void {
    this.#breakRound();
    this.#broken = false;
  }

  /** Breaks the barrier: current and later waits reject with BrokenBarrierError until `reset()`. */
  abort(): void {
    this.#broken = true;
    this.#breakRound();
  }

  #breakRound(): void {
    const round = this.#round;
    this.#round = this.#newRound();
    round.rejectAll(() => this.#brokenError());
  }

  #brokenError(): BrokenBarrierError {
    return new BrokenBarrierError(
      this.#broken
        ? 'The AsyncBarrier is broken (abort() was called); call reset() to use it again'
        : 'The AsyncBarrier was reset while waiting',
    );
  }

  #newRound(): WaiterList<number> {
    return new WaiterList(`at the AsyncBarrier for ${this.#parties} parties`);
  }
}
