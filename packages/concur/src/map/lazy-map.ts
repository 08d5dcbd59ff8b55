import { AbortError } from '../errors/errors.ts';
import { ChunkFailure, type Job, JobMode, type JobSink } from '../job/job.ts';
import {
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkSignal,
  invalid,
} from '../options/validate.ts';
import type { AnyTask } from '../task/task.ts';
import { ItemIterator } from './item-iterator.ts';
import type { MapInput, MapOptions } from './map-options.ts';

/** What lazyMap needs from an executor. */
export interface MapScheduler {
  readonly capacity: number;
  scheduleChunk(task: AnyTask, mode: JobMode, items: unknown[], sink: JobSink): Job | undefined;
  cancelChunk(job: Job): boolean;
  /** Items for the next chunk when chunksize is 'auto'. */
  autoChunkSize(task: AnyTask, chunksSoFar: number, knownLength: number | undefined): number;
}

const MAP_OPTION_KEYS = ['chunksize', 'ordered', 'buffersize', 'signal'] as const;
const DEFAULT_UNLIMITED_BUFFER = 1024;

interface Chunk {
  seq: number;
  job: Job | undefined;
  done: boolean;
  values: unknown[] | undefined;
  failure: unknown;
}

/**
 * The engine behind map and starmap on every executor: pulls input only while
 * fewer than `buffersize` chunks are in flight or unconsumed, yields in input
 * or completion order, and on error, break or abort cancels every chunk that
 * has not started and closes the input iterator.
 */
export function lazyMap(
  scheduler: MapScheduler,
  task: AnyTask,
  mode: JobMode,
  input: MapInput<unknown>,
  options: MapOptions,
): AsyncIterableIterator<unknown> {
  return new ItemIterator(lazyChunks(scheduler, task, mode, input, options));
}

/** lazyMap's work, one chunk's results (or the items of a chunk before its failure) per yield. */
async function* lazyChunks(
  scheduler: MapScheduler,
  task: AnyTask,
  mode: JobMode,
  input: MapInput<unknown>,
  options: MapOptions,
): AsyncGenerator<unknown[], void, undefined> {
  checkObject('options', options);
  checkKnownKeys('map()', options, MAP_OPTION_KEYS);
  const chunksize = options.chunksize ?? 'auto';
  if (chunksize !== 'auto') checkInteger('chunksize', chunksize, 1);
  const ordered = options.ordered ?? true;
  if (typeof ordered !== 'boolean') throw invalid('ordered', 'a boolean', ordered);
  const capacity = scheduler.capacity;
  const buffersize =
    options.buffersize === undefined
      ? Number.isFinite(capacity)
        ? Math.max(2, capacity * 2)
        : DEFAULT_UNLIMITED_BUFFER
      : checkInteger('buffersize', options.buffersize, 1);
  const signal = options.signal === undefined ? undefined : checkSignal('signal', options.signal);
  const syncIterator =
    input !== null && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (input as Iterable<unknown>)[Symbol.iterator]()
      : undefined;
  const asyncIterator =
    syncIterator === undefined &&
    input !== null &&
    typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
      ? (input as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : undefined;
  if (syncIterator === undefined && asyncIterator === undefined) {
    throw invalid('items', 'an Iterable or AsyncIterable', input);
  }
  const knownLength = Array.isArray(input) ? input.length : undefined;
  // A plain array is sliced rather than stepped through item by item (map only: starmap
  // checks each tuple). It reads the array at the same moments as its iterator would.
  const array =
    mode === JobMode.MapChunk &&
    Array.isArray(input) &&
    input[Symbol.iterator] === Array.prototype[Symbol.iterator]
      ? (input as unknown[])
      : undefined;
  let arrayAt = 0;

  const pending = new Map<number, Chunk>();
  const finished: Chunk[] = [];
  let nextSeq = 0;
  let nextYield = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  const sink: JobSink = {
    started() {},
    fulfilled(job, value) {
      const chunk = job.ref as Chunk;
      chunk.done = true;
      chunk.values = value as unknown[];
      if (!ordered) finished.push(chunk);
      wake?.();
    },
    rejected(job, error) {
      const chunk = job.ref as Chunk;
      chunk.done = true;
      chunk.failure = error;
      if (!ordered) finished.push(chunk);
      wake?.();
    },
  };
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);

  // Auto chunks also never hold more items than have come back so far (a slow start,
  // doubling per round trip): on a short or failing input the map reads little ahead,
  // and on a long one it reaches full-size chunks within a dozen round trips.
  let itemsDone = 0;
  const nextSize = () =>
    chunksize !== 'auto'
      ? chunksize
      : Math.min(scheduler.autoChunkSize(task, nextSeq, knownLength), Math.max(1, itemsDone));

  const checkItem = (item: unknown) => {
    if (mode === JobMode.StarmapChunk && !Array.isArray(item)) {
      throw invalid(`argTuples[${itemsPulled}]`, 'an array of arguments', item);
    }
  };
  let itemsPulled = 0;

  const schedule = (items: unknown[]) => {
    const chunk: Chunk = {
      seq: nextSeq++,
      job: undefined,
      done: false,
      values: undefined,
      failure: undefined,
    };
    pending.set(chunk.seq, chunk);
    const job = scheduler.scheduleChunk(task, mode, items, sink);
    if (job !== undefined) {
      chunk.job = job;
      job.ref = chunk;
      job.seq = chunk.seq;
    }
  };

  const fill = async () => {
    while (!exhausted && pending.size < buffersize) {
      const size = nextSize();
      let items: unknown[] = [];
      if (array !== undefined) {
        items = array.slice(arrayAt, arrayAt + size);
        arrayAt += items.length;
        itemsPulled += items.length;
        if (items.length < size) exhausted = true;
      } else if (syncIterator !== undefined) {
        while (items.length < size) {
          const r = syncIterator.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          checkItem(r.value);
          itemsPulled++;
          items.push(r.value);
        }
      } else {
        while (items.length < size) {
          const r = await asyncIterator!.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          checkItem(r.value);
          itemsPulled++;
          items.push(r.value);
          if (signal?.aborted) break;
        }
      }
      if (items.length > 0) schedule(items);
      if (signal?.aborted) return;
    }
  };

  let completedNormally = false;
  try {
    for (;;) {
      if (signal?.aborted)
        throw new AbortError('The map was aborted by its signal', { cause: signal.reason });
      await fill();
      if (signal?.aborted) continue;
      let chunk: Chunk | undefined;
      if (ordered) {
        const head = pending.get(nextYield);
        if (head?.done) chunk = head;
      } else {
        chunk = finished.shift();
      }
      if (chunk === undefined) {
        if (pending.size === 0 && exhausted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      pending.delete(chunk.seq);
      if (ordered) nextYield++;
      itemsDone += chunk.values?.length ?? 1;
      if (chunk.failure !== undefined) {
        if (chunk.failure instanceof ChunkFailure) {
          yield chunk.failure.values;
          throw chunk.failure.error;
        }
        throw chunk.failure;
      }
      yield chunk.values!;
    }
    completedNormally = true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const chunk of pending.values()) {
      if (chunk.job !== undefined) scheduler.cancelChunk(chunk.job);
    }
    pending.clear();
    if (!completedNormally && !exhausted) {
      if (syncIterator !== undefined) syncIterator.return?.();
      else await asyncIterator!.return?.();
    }
  }
}
