/** Where a queue keeps its items; the order of `take()` makes it FIFO, LIFO or priority. */
export interface QueueStore<T> {
  readonly size: number;
  add(item: T): void;
  /** Removes and returns the next item; only called when size > 0. */
  take(): T;
  clear(): void;
}

export class FifoStore<T> implements QueueStore<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  add(item: T): void {
    this.#items.push(item);
  }

  take(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined as T;
    // Compact once the consumed prefix dominates, so a long-lived queue does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

export class LifoStore<T> implements QueueStore<T> {
  #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  add(item: T): void {
    this.#items.push(item);
  }

  take(): T {
    return this.#items.pop() as T;
  }

  clear(): void {
    this.#items = [];
  }
}

interface Slot<T> {
  readonly item: T;
  readonly seq: number;
}

/** A binary min-heap; items that compare equal come out in insertion order. */
export class HeapStore<T> implements QueueStore<T> {
  #heap: Slot<T>[] = [];
  #seq = 0;
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#heap.length;
  }

  add(item: T): void {
    const heap = this.#heap;
    heap.push({ item, seq: this.#seq++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  take(): T {
    const heap = this.#heap;
    const top = heap[0] as Slot<T>;
    const last = heap.pop() as Slot<T>;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(l, m)) m = l;
        if (r < heap.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top.item;
  }

  clear(): void {
    this.#heap = [];
  }

  #less(i: number, j: number): boolean {
    const a = this.#heap[i] as Slot<T>;
    const b = this.#heap[j] as Slot<T>;
    const c = this.#compare(a.item, b.item);
    return c < 0 || (c === 0 && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const t = heap[i] as Slot<T>;
    heap[i] = heap[j] as Slot<T>;
    heap[j] = t;
  }
}
