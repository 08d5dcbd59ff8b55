import { AbortError, TimeoutError } from '../../errors/errors.ts';
import type { ParsedWaitOptions } from '../wait-options.ts';

interface Entry<T, D> {
  readonly data: D;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The first-in, first-out list of callers waiting on one async primitive.
 *
 * The invariant every primitive relies on: a waiter is either still in the list, or
 * settled, never both. The primitive hands a permit, item or wake-up to a waiter by
 * taking it out with `shift()` and resolving it in the same synchronous step, which
 * also drops its abort listener and timer. An abort or timeout can therefore only
 * reach a waiter that still waits, and it removes that waiter without touching the
 * primitive's state: the primitive looks as if the caller had never waited. (asyncio's
 * Semaphore lost permits for years because a cancelled waiter could already have been
 * granted one.)
 */
export class WaiterList<T, D = undefined> {
  readonly #entries = new Set<Entry<T, D>>();
  readonly #what: string;

  /** `what` names the wait in timeout messages, e.g. "to acquire the AsyncLock". */
  constructor(what: string) {
    this.#what = what;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Data of the waiters, oldest first. */
  *data(): IterableIterator<D> {
    for (const entry of this.#entries) yield entry.data;
  }

  /**
   * Queues a waiter. `onLeave` runs after an abort or timeout removed it (the
   * primitive's chance to wake whoever the leaver was blocking).
   */
  wait(options: ParsedWaitOptions, data: D, onLeave?: () => void): Promise<T> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal, this.#what));
    if (timeoutMs === 0) return Promise.reject(timeoutError(0, this.#what));
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const entry: Entry<T, D> = {
        data,
        resolve: (value) => {
          cleanup();
          resolve(value);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const leave = (error: Error) => {
        if (!this.#entries.delete(entry)) return;
        entry.reject(error);
        onLeave?.();
      };
      const onAbort = () => leave(abortError(signal as AbortSignal, this.#what));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => leave(timeoutError(timeoutMs, this.#what)), timeoutMs);
      }
      this.#entries.add(entry);
    });
  }

  /** Oldest waiter's data without removing it. */
  peek(): D | undefined {
    for (const entry of this.#entries) return entry.data;
    return undefined;
  }

  /** Removes the oldest waiter and resolves it with `value`; false if none waits. */
  resolveFirst(value: T): boolean {
    for (const entry of this.#entries) {
      this.#entries.delete(entry);
      entry.resolve(value);
      return true;
    }
    return false;
  }

  /** Removes every waiter and resolves each with `value(data, index)`. */
  resolveAll(value: (data: D, index: number) => T): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const [index, entry] of entries.entries()) entry.resolve(value(entry.data, index));
  }

  rejectAll(error: () => Error): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const entry of entries) entry.reject(error());
  }
}

function abortError(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason });
}

function timeoutError(timeoutMs: number, what: string): TimeoutError {
  return new TimeoutError(`Timed out after ${timeoutMs} ms waiting ${what}`, timeoutMs);
}
