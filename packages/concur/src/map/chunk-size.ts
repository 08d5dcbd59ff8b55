/**
 * Picks how many map items go into one message. Each message costs a fixed
 * round trip (tens of microseconds between threads, more between processes), so
 * a chunk should carry a few milliseconds of work; but chunks must stay small
 * enough that every worker gets several, or one slow chunk idles the pool.
 */
export const TARGET_CHUNK_MS = 2;
/** Above this, per-item transport cost dominates and larger chunks only add latency and memory. */
export const MAX_AUTO_CHUNK = 4096;

export function autoChunkSize(
  perItemMs: number | undefined,
  chunksSoFar: number,
  capacity: number,
  knownLength: number | undefined,
  targetMs = TARGET_CHUNK_MS,
): number {
  let size: number;
  if (perItemMs === undefined) {
    // Nothing measured yet: start with one item per worker, then grow fast until a result arrives.
    size =
      chunksSoFar < capacity
        ? 1
        : Math.min(MAX_AUTO_CHUNK, 2 ** Math.min(12, chunksSoFar - capacity + 1));
  } else {
    size = perItemMs <= 0 ? MAX_AUTO_CHUNK : Math.round(targetMs / perItemMs);
  }
  if (knownLength !== undefined) {
    // Leave at least four chunks per worker so the last ones spread out.
    size = Math.min(size, Math.ceil(knownLength / (capacity * 4)));
  }
  return Math.max(1, Math.min(MAX_AUTO_CHUNK, size));
}
