import { task } from '../../index.ts';

/**
 * The story's CPU-bound search: how many of `needles` are in `haystack`, by a linear
 * scan of an array (Python's `x in list`). A task so that every executor can run it.
 */
export const searchBatch = task(
  import.meta.url,
  function searchBatch(haystack: ArrayLike<number>, needles: number[]): number {
    let count = 0;
    const scan = Array.isArray(haystack)
      ? (n: number) => haystack.includes(n)
      : (n: number) => Array.prototype.includes.call(haystack, n);
    for (const needle of needles) {
      if (scan(needle)) count++;
    }
    return count;
  },
);
