/** What `map` and `starmap` take: any iterable, sync or async, consumed lazily. */
export type MapInput<T> = Iterable<T> | AsyncIterable<T>;

/** Options of `map` and `starmap`. */
export interface MapOptions {
  /**
   * Items sent to a worker in one message. `'auto'` measures the time per item and
   * picks a size that makes each message worth a few milliseconds of work.
   * In-process executors ignore it.
   * @default 'auto'
   */
  chunksize?: number | 'auto';
  /** Yield results in input order (true) or as they complete (false). @default true */
  ordered?: boolean;
  /**
   * Most chunks in flight or finished but not yet consumed. Input is pulled only
   * when one frees up, so memory stays bounded on endless input.
   * @default twice the executor's capacity (workers x concurrency per worker)
   */
  buffersize?: number;
  /** Stops the map: unstarted chunks are cancelled and the iterator throws an AbortError. */
  signal?: AbortSignal;
}
