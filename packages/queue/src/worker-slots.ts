import { AsyncSemaphore, type ReleaseHandle, TimeoutError } from 'concur';

/**
 * While the jobs run this long or less on average, a worker holds as many jobs again
 * as it has slots (see `holding`): the next ones are fetched and cleared with their
 * executor while the current ones run. Holding a job delays it by at most this much.
 */
export const SHORT_JOB_MS = 100;

/** Weight of the newest run time in the moving average. */
const AVERAGE_WEIGHT = 0.2;

/** How a held job's wait for a slot ended. */
export type SlotWait = ReleaseHandle | 'stopping' | 'busy';

/**
 * A queue worker's slots, and how many jobs it holds beyond them: as many again while
 * jobs are short, so that a slot that frees finds the next job fetched and cleared
 * instead of waiting two round trips to Redis and one to the executor. Long jobs are not
 * held: another worker may be free for them.
 */
export class WorkerSlots {
  readonly #capacity: number;
  readonly #slots: AsyncSemaphore;
  /** Aborted by stop(): every held job still waiting goes back to the queue. */
  readonly #stopped = new AbortController();
  /** Moving average of the run times, ms (undefined before the first run). */
  #averageMs: number | undefined;
  /** A held job waited SHORT_JOB_MS for a slot: hold no more until a run ends. */
  #stuck = false;
  /** Called when `holding` may have changed (remote-worker passes it on to BullMQ). */
  onHolding: (holding: number) => void = () => {};

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#slots = new AsyncSemaphore(capacity);
  }

  /** How many jobs BullMQ may hand this worker at once. */
  get holding(): number {
    const short = this.#averageMs !== undefined && this.#averageMs <= SHORT_JOB_MS;
    return short && !this.#stuck ? 2 * this.#capacity : this.#capacity;
  }

  /** True when a job would have to wait for a slot. */
  get full(): boolean {
    return this.#slots.locked || this.#slots.waiting > 0;
  }

  /**
   * Waits for a free slot, at most SHORT_JOB_MS: the slot's handle once it has one,
   * `stopping` if the worker stops first, `busy` if none freed in time (a long job came
   * along). Rejects with the job's abort reason if its signal aborts first.
   */
  async take(signal: AbortSignal | undefined): Promise<SlotWait> {
    if (this.#stopped.signal.aborted) return 'stopping';
    const free = this.#slots.waiting === 0 ? this.#slots.tryAcquire() : undefined;
    if (free !== undefined) return free;
    const stop = this.#stopped.signal;
    try {
      return await this.#slots.acquire({
        signal: signal === undefined ? stop : AbortSignal.any([signal, stop]),
        timeoutMs: SHORT_JOB_MS,
      });
    } catch (error) {
      if (stop.aborted) return 'stopping';
      if (signal?.aborted) throw signal.reason;
      if (!(error instanceof TimeoutError)) throw error;
      this.#stuck = true;
      this.onHolding(this.holding);
      return 'busy';
    }
  }

  /** A job ran `ms` on a slot. */
  ran(ms: number): void {
    this.#stuck = false;
    this.#averageMs =
      this.#averageMs === undefined
        ? ms
        : this.#averageMs + AVERAGE_WEIGHT * (ms - this.#averageMs);
    this.onHolding(this.holding);
  }

  /** The worker is stopping: held jobs still waiting for a slot get `stopping`. */
  stop(): void {
    this.#stopped.abort();
  }
}
