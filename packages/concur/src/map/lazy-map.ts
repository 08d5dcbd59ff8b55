import { AbortError } from '../errors/errors.ts';
import { ChunkFailure, type Job, JobMode, type JobSink } from '../job/job.ts';
import type { AnyTask } from '../task/task.ts';
import { ChunkWindow } from './chunk-window.ts';
import { ItemIterator } from './item-iterator.ts';
import { ItemSource } from './item-source.ts';
import type { MapInput, MapOptions } from './map-options.ts';
import { type MapSettings, mapSettings } from './map-settings.ts';

/** What lazyMap needs from an executor. */
export interface MapScheduler {
  readonly capacity: number;
  /**
   * Makes `chunk`'s job (its `ref`, with `first` copied) and queues it. The job may
   * settle before this returns (an executor that refuses its items at once).
   */
  scheduleChunk(
    task: AnyTask,
    mode: JobMode,
    items: unknown[],
    sink: JobSink,
    chunk: { readonly first: number },
  ): Job | undefined;
  cancelChunk(job: Job): boolean;
  /** Items for the next chunk when chunksize is 'auto'. */
  autoChunkSize(task: AnyTask, chunksSoFar: number, knownLength: number | undefined): number;
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
  const settings = mapSettings(options, scheduler.capacity);
  const { signal } = settings;
  const source = new ItemSource(input, mode === JobMode.StarmapChunk);
  const window = new ChunkWindow(settings.ordered);
  const onAbort = () => window.wake();
  signal?.addEventListener('abort', onAbort);
  let itemsDone = 0;
  try {
    for (;;) {
      if (signal?.aborted) {
        throw new AbortError('The map was aborted by its signal', { cause: signal.reason });
      }
      await fill(scheduler, task, mode, settings, source, window, itemsDone);
      if (signal?.aborted) continue;
      const chunk = window.takeFinished();
      if (chunk === undefined) {
        if (window.size === 0 && source.exhausted) break;
        await window.waitForChange();
        continue;
      }
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
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const job of window.drain()) scheduler.cancelChunk(job);
    await source.close();
  }
}

/** Schedules chunks until `buffersize` are open, the input ends, or the signal aborts. */
async function fill(
  scheduler: MapScheduler,
  task: AnyTask,
  mode: JobMode,
  settings: MapSettings,
  source: ItemSource,
  window: ChunkWindow,
  itemsDone: number,
): Promise<void> {
  while (!source.exhausted && window.size < settings.buffersize) {
    // Auto chunks also never hold more items than have come back so far (a slow start,
    // doubling per round trip): on a short or failing input the map reads little ahead,
    // and on a long one it reaches full-size chunks within a dozen round trips.
    const size =
      settings.chunksize !== 'auto'
        ? settings.chunksize
        : Math.min(
            scheduler.autoChunkSize(task, window.opened, source.knownLength),
            Math.max(1, itemsDone),
          );
    const items = await source.take(size, settings.signal);
    if (items.length > 0) {
      const chunk = window.open(items.length);
      const job = scheduler.scheduleChunk(task, mode, items, window.sink, chunk);
      if (job !== undefined) chunk.job = job;
    }
    if (settings.signal?.aborted) return;
  }
}
