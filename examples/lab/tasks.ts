// Your own task for `concur compare --task examples/lab/tasks.ts#longestCollatz --inputs examples/lab/inputs.json`.
// In your project, import from 'concur' instead.
import { task } from 'concur';

const SPAN = 25_000;

/** The longest Collatz sequence that starts in [start, start + SPAN): pure CPU work. */
export const longestCollatz = task(import.meta.url, function longestCollatz(start: number): number {
  let longest = 0;
  for (let n = start; n < start + SPAN; n++) {
    let steps = 0;
    for (let x = n; x !== 1; steps++) x = x % 2 === 0 ? x / 2 : 3 * x + 1;
    if (steps > longest) longest = steps;
  }
  return longest;
});
