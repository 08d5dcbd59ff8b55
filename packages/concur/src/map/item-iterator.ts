/**
 * Hands out, one by one, the items of the arrays an async generator yields. An async
 * generator that yields each item itself costs a generator resumption and a request
 * queue per item: 350 ms of a 1,000,000-item map here, against 160 ms for this.
 * While a chunk lasts, next() only wraps the item in a resolved promise.
 */
export class ItemIterator<T> implements AsyncIterableIterator<T> {
  readonly #chunks: AsyncGenerator<T[], void, undefined>;
  #items: T[] | undefined = undefined;
  #index = 0;
  /** A next() waiting for the next chunk; later calls queue behind it, as with a generator. */
  #pulling: Promise<IteratorResult<T, undefined>> | undefined = undefined;
  #done = false;

  constructor(chunks: AsyncGenerator<T[], void, undefined>) {
    this.#chunks = chunks;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#pulling !== undefined) return this.#pulling.then(() => this.next());
    const items = this.#items;
    if (items !== undefined && this.#index < items.length) {
      return Promise.resolve({ value: items[this.#index++] as T, done: false });
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    this.#items = undefined;
    const pull = this.#pull();
    this.#pulling = pull;
    const clear = () => {
      if (this.#pulling === pull) this.#pulling = undefined;
    };
    pull.then(clear, clear);
    return pull;
  }

  async #pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      let result: IteratorResult<T[], void>;
      try {
        result = await this.#chunks.next();
      } catch (error) {
        this.#done = true;
        throw error;
      }
      if (result.done) {
        this.#done = true;
        return { value: undefined, done: true };
      }
      if (result.value.length === 0) continue;
      this.#items = result.value;
      this.#index = 1;
      return { value: result.value[0] as T, done: false };
    }
  }

  async return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#pulling !== undefined) await this.#pulling.catch(() => {});
    this.#items = undefined;
    this.#done = true;
    await this.#chunks.return(undefined);
    return { value: value as undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    if (this.#pulling !== undefined) await this.#pulling.catch(() => {});
    this.#items = undefined;
    this.#done = true;
    await this.#chunks.throw(error);
    return { value: undefined, done: true };
  }
}
