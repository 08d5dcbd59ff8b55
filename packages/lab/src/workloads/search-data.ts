import { randomIntegers } from './random.ts';

export interface SearchSize {
  /** Elements in the searched array. */
  size: number;
  /** Numbers looked up per batch. */
  lookups: number;
  batches: number;
  seed: number;
}

/**
 * The big list and one list of needles per batch. Values are drawn from twice the
 * array's size, so about 40% of the lookups miss and scan the whole array.
 */
export function makeSearchData(spec: SearchSize): { haystack: number[]; batches: number[][] } {
  const haystack = randomIntegers(spec.seed, spec.size, spec.size * 2);
  const batches: number[][] = [];
  for (let b = 0; b < spec.batches; b++) {
    batches.push(randomIntegers(spec.seed + 1 + b, spec.lookups, spec.size * 2));
  }
  return { haystack, batches };
}
