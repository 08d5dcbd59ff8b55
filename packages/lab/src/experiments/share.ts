import { sharedArray } from 'concur';

/**
 * `--share`: the big array goes into shared memory once (concur's `sharedArray`), so
 * thread tasks read it without a copy. A child process cannot share memory: process
 * tasks still receive a copy each, as the story's processes do.
 */
export function shareHaystack(haystack: number[]): Float64Array {
  return sharedArray(haystack);
}
