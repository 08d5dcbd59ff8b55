import { invalid } from '../options/validate.ts';
import type { MapInput } from './map-options.ts';

/**
 * The items of a map's input, taken a chunk at a time: from a plain array by slicing,
 * otherwise through its sync or async iterator. Starmap items are checked to be tuples
 * as they are taken.
 */
export class ItemSource {
  readonly knownLength: number | undefined;
  /** Items taken so far. */
  taken = 0;
  exhausted = false;
  readonly #array: unknown[] | undefined;
  readonly #sync: Iterator<unknown> | undefined;
  readonly #async: AsyncIterator<unknown> | undefined;
  readonly #tuples: boolean;

  constructor(input: MapInput<unknown>, tuples: boolean) {
    const sync =
      input !== null && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function'
        ? (input as Iterable<unknown>)[Symbol.iterator]()
        : undefined;
    const async =
      sync === undefined &&
      input !== null &&
      typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
        ? (input as AsyncIterable<unknown>)[Symbol.asyncIterator]()
        : undefined;
    if (sync === undefined && async === undefined) {
      throw invalid('items', 'an Iterable or AsyncIterable', input);
    }
    this.#sync = sync;
    this.#async = async;
    this.#tuples = tuples;
    this.knownLength = Array.isArray(input) ? input.length : undefined;
    // A plain array is sliced rather than stepped through item by item (map only: starmap
    // checks each tuple). It reads the array at the same moments as its iterator would.
    this.#array =
      !tuples && Array.isArray(input) && input[Symbol.iterator] === Array.prototype[Symbol.iterator]
        ? (input as unknown[])
        : undefined;
  }

  /** Up to `size` items; fewer once the input ends, or as soon as `signal` aborts (async input). */
  async take(size: number, signal: AbortSignal | undefined): Promise<unknown[]> {
    if (this.#array !== undefined) {
      const items = this.#array.slice(this.taken, this.taken + size);
      this.taken += items.length;
      if (items.length < size) this.exhausted = true;
      return items;
    }
    const items: unknown[] = [];
    while (items.length < size) {
      const r = this.#sync !== undefined ? this.#sync.next() : await this.#async!.next();
      if (r.done) {
        this.exhausted = true;
        break;
      }
      this.#check(r.value);
      this.taken++;
      items.push(r.value);
      if (this.#async !== undefined && signal?.aborted) break;
    }
    return items;
  }

  /** Closes the input's iterator when the map stopped before the input ended. */
  async close(): Promise<void> {
    if (this.exhausted) return;
    if (this.#sync !== undefined) this.#sync.return?.();
    else await this.#async?.return?.();
  }

  #check(item: unknown): void {
    if (this.#tuples && !Array.isArray(item)) {
      throw invalid(`argTuples[${this.taken}]`, 'an array of arguments', item);
    }
  }
}
