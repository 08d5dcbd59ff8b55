import type { Job, JobSink } from '../job/job.ts';

export interface Chunk {
  readonly seq: number;
  /** Position in the map's input of the chunk's first item. */
  readonly first: number;
  job: Job | undefined;
  done: boolean;
  values: unknown[] | undefined;
  failure: unknown;
}

/**
 * A map's chunks from scheduling until consumed: in flight or finished, found by
 * sequence number in input order, or in completion order, and a wake-up for the
 * consumer waiting for the next one to finish.
 */
export class ChunkWindow {
  readonly #pending = new Map<number, Chunk>();
  readonly #finished: Chunk[] = [];
  readonly #ordered: boolean;
  #nextSeq = 0;
  /** Items in the chunks opened so far. */
  #items = 0;
  #nextYield = 0;
  #wake: (() => void) | undefined;
  /** Passed to the scheduler with every chunk; settles the chunk its job carries. */
  readonly sink: JobSink;

  constructor(ordered: boolean) {
    this.#ordered = ordered;
    const settle = (job: Job, values: unknown[] | undefined, failure: unknown) => {
      const chunk = job.ref as Chunk;
      chunk.done = true;
      chunk.values = values;
      chunk.failure = failure;
      if (!this.#ordered) this.#finished.push(chunk);
      this.wake();
    };
    this.sink = {
      started() {},
      fulfilled: (job, value) => settle(job, value as unknown[], undefined),
      rejected: (job, error) => settle(job, undefined, error),
    };
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Chunks opened so far: the sequence number the next one gets. */
  get opened(): number {
    return this.#nextSeq;
  }

  /** Opens the next chunk, of `items` items. */
  open(items: number): Chunk {
    const chunk: Chunk = {
      seq: this.#nextSeq++,
      first: this.#items,
      job: undefined,
      done: false,
      values: undefined,
      failure: undefined,
    };
    this.#items += items;
    this.#pending.set(chunk.seq, chunk);
    return chunk;
  }

  /** The next finished chunk in the map's order, removed from the window; or undefined. */
  takeFinished(): Chunk | undefined {
    let chunk: Chunk | undefined;
    if (this.#ordered) {
      const head = this.#pending.get(this.#nextYield);
      if (head?.done) chunk = head;
    } else {
      chunk = this.#finished.shift();
    }
    if (chunk === undefined) return undefined;
    this.#pending.delete(chunk.seq);
    if (this.#ordered) this.#nextYield++;
    return chunk;
  }

  /** Resolves at the next wake(): a chunk finished, or the map's signal aborted. */
  waitForChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }

  /** Empties the window, handing back the jobs of the chunks never consumed. */
  drain(): Job[] {
    const jobs: Job[] = [];
    for (const chunk of this.#pending.values()) if (chunk.job !== undefined) jobs.push(chunk.job);
    this.#pending.clear();
    return jobs;
  }
}
