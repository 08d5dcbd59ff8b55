import type { Executor } from 'concur';
import type { AnyTask } from 'concur/backend';
import { JobMode } from 'concur/backend';

/** A map chunk stopped at an item: the item's error, and the values of the items before it. */
export class ChunkRunError extends Error {
  override readonly name = 'ChunkRunError';
  readonly values: unknown[];
  constructor(cause: unknown, values: unknown[]) {
    super(`Item ${values.length} of the chunk failed`, { cause });
    this.values = values;
  }
}

/** A job failed in a way no retry can fix (refused, cancelled, undecodable): BullMQ must not retry it. */
export class FinalJobError extends Error {
  override readonly name = 'FinalJobError';
  constructor(cause: unknown) {
    super('The job cannot succeed on another attempt', { cause });
  }
}

/** Runs a job's call or chunk on the worker's local executor. */
export class JobRunner {
  readonly #local: Executor;
  readonly #pieces: number | undefined;

  /** `capacity` tasks at once on `local`; for the async model undefined (map's own 'auto' chunks). */
  constructor(local: Executor, capacity: number | undefined) {
    this.#local = local;
    this.#pieces = capacity;
  }

  run(task: AnyTask, mode: JobMode, payload: unknown[], signal: AbortSignal): Promise<unknown> {
    if (mode === JobMode.Call) return this.#local.submitWith(task, payload, { signal });
    return this.#chunk(task, mode, payload, signal);
  }

  async #chunk(
    task: AnyTask,
    mode: JobMode,
    items: unknown[],
    signal: AbortSignal,
  ): Promise<unknown[]> {
    const values: unknown[] = [];
    // The executor already sized the chunk and its items are all here: a pool gets four
    // pieces per slot at once rather than 'auto' starting again from one item. (The async
    // model keeps 'auto', which gives an async task's items one slot each, to overlap.)
    const chunksize =
      this.#pieces === undefined
        ? 'auto'
        : Math.max(1, Math.ceil(items.length / (this.#pieces * 4)));
    try {
      const results =
        mode === JobMode.StarmapChunk
          ? this.#local.starmap(task, items as unknown[][], { signal, chunksize })
          : this.#local.map(task, items, { signal, chunksize });
      for await (const value of results) values.push(value);
    } catch (error) {
      throw new ChunkRunError(error, values);
    }
    return values;
  }
}
