import { task } from 'concur';

/** The big list: a plain array, or a typed array over shared memory with `--share`. */
export type Haystack = readonly number[] | Float64Array;

function scan(haystack: Float64Array, needle: number): boolean {
  for (let i = 0; i < haystack.length; i++) if (haystack[i] === needle) return true;
  return false;
}

/**
 * The story's CPU-bound search: how many of `needles` are in `haystack`, by a linear
 * scan (Python's `x in list`). A task so that every executor can run it.
 */
export const searchBatch = task(
  import.meta.url,
  function searchBatch(haystack: Haystack, needles: number[]): number {
    let count = 0;
    for (const needle of needles) {
      // includes() on a SharedArrayBuffer-backed typed array takes V8's slow path (about
      // 2.5x slower than on an ordinary one, measured on Node 20); a plain loop does not.
      const found = Array.isArray(haystack)
        ? haystack.includes(needle)
        : scan(haystack as Float64Array, needle);
      if (found) count++;
    }
    return count;
  },
);
