import { type Candidate, candidateLabel } from './candidate.ts';
import { coresGot, type TaskProfile } from './task-profile.ts';

/** The map's read-ahead without a limit (lazy-map's DEFAULT_UNLIMITED_BUFFER): async's real cap. */
const MAP_READ_AHEAD = 1024;
/** Auto chunks aim at this many ms of work (map/chunk-size.ts's TARGET_CHUNK_MS). */
const AUTO_CHUNK_MS = 2;

/** Structured clone of small values, in ms per byte (about 100 MB/s, sender and receiver). */
const MIN_PER_BYTE_MS = 1e-5;

/** Items per chunk under `auto`, as the map picks it once it has timed a few results. */
export function autoChunk(perItemMs: number, items: number, capacity: number): number {
  const wanted = perItemMs <= 0 ? 4096 : Math.round(AUTO_CHUNK_MS / perItemMs);
  return Math.max(1, Math.min(4096, wanted, Math.ceil(items / (capacity * 4))));
}

export interface Prediction {
  candidate: Candidate;
  label: string;
  /** Seconds a full run should take; null where the sample cannot tell (queue). */
  seconds: number | null;
}

/**
 * Seconds a full run of `c` should take. Each model is bounded by its busiest resource:
 * - the thread that runs the calls (serial part x calls it runs, over the cores it has),
 * - the waits (wall time x calls, over the calls in flight at once),
 * - the hand-off of every call through the caller's thread (pools),
 * plus a pool's start-up (which grows past the cores: every worker imports the task)
 * and, for chunks, the last chunk's tail.
 */
export function predictSeconds(c: Candidate, p: TaskProfile): number | null {
  const n = p.items;
  switch (c.model) {
    case 'sequential':
      return (n * p.wallMs) / 1000;
    case 'async': {
      const atOnce = Math.min(c.limit ?? MAP_READ_AHEAD, MAP_READ_AHEAD, Math.max(1, n));
      const thread = n * (p.serialMs + p.asyncPerCallMs);
      const waits = (n * p.wallMs) / atOnce;
      return Math.max(thread, waits) / 1000;
    }
    case 'queue':
      return null;
    case 'thread':
    case 'process': {
      const cost = p.pools[c.model];
      if (cost === undefined) return null;
      const workers = c.workers ?? 1;
      const capacity = workers * c.concurrencyPerWorker;
      // Below the sizes where the sample measures a cost per byte, structured clone
      // still costs about 10 ns a byte on each side.
      const transportItem =
        (p.argBytes + p.resultBytes) * Math.max(cost.perByteMs, MIN_PER_BYTE_MS);
      const perItem = p.wallMs + transportItem;
      const chunk = c.chunksize === 'auto' ? autoChunk(perItem, n, capacity) : c.chunksize;
      const handOff = n * (cost.perCallMs / chunk + transportItem);
      // serialMs is as long as one thread takes on this machine now; busy threads of other
      // programs give `workers` threads fewer cores than min(workers, cores), but more than one.
      const compute =
        (n * (p.serialMs + transportItem) * coresGot(1, p.cores, p.otherThreads)) /
        coresGot(workers, p.cores, p.otherThreads);
      const waits = (n * p.wallMs) / Math.min(capacity, Math.max(1, n));
      const start = cost.startMs * Math.max(1, workers / p.cores);
      const tail = (chunk * Math.max(p.wallMs, p.maxWallMs)) / 2;
      return (start + Math.max(handOff, compute, waits) + tail) / 1000;
    }
  }
}

/** Every candidate with its prediction, fastest first (unpredictable ones last). */
export function predictAll(list: readonly Candidate[], profile: TaskProfile): Prediction[] {
  return list
    .map((candidate) => ({
      candidate,
      label: candidateLabel(candidate),
      seconds: predictSeconds(candidate, profile),
    }))
    .sort((a, b) => (a.seconds ?? Infinity) - (b.seconds ?? Infinity));
}
