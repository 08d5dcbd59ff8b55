import { task } from 'concur';

// The story's CPU-bound task: look numbers up in a large list with a linear scan
// (Python's `x in big_list`, JavaScript's `array.includes(x)`).

let bigList: number[] = [];

/** Each worker builds the list once and keeps it, so only the needles travel. */
function listOf(size: number): number[] {
  if (bigList.length !== size) bigList = Array.from({ length: size }, (_, i) => i);
  return bigList;
}

export const search = task(import.meta.url, function search(needles: number[], size: number) {
  const haystack = listOf(size);
  let found = 0;
  for (const needle of needles) if (haystack.includes(needle)) found++;
  return found;
});
