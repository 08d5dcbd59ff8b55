// The task bodies every contender runs, in plain JavaScript so that no library's
// worker needs a TypeScript loader: a loader would slow every worker's start and
// every message, and blur the comparison. Each takes one argument, the form every
// peer accepts.

/** The trivial task of scenarios a, b, c, e. */
export function inc(x) {
  return x + 1;
}

let haystack = [];

/**
 * The story's CPU-bound search: how many of `needles` pseudo-random numbers are in a
 * plain array of `size` numbers (linear scans, like `x in list` in Python). The
 * array is built once per worker and reused, as a real worker would cache its data.
 */
export function search([needles, size, seed]) {
  if (haystack.length !== size) {
    haystack = new Array(size);
    for (let i = 0; i < size; i++) haystack[i] = i * 2;
  }
  let state = seed >>> 0 || 1;
  let found = 0;
  for (let i = 0; i < needles; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    if (haystack.includes(state % (size * 2))) found++;
  }
  return found;
}

/**
 * The task of scenario h, over records like those of lib/records.mjs (about 1 KB each):
 * reads the nested fields and strings and returns a small summary object.
 */
export function score(record) {
  let total = 0;
  for (const order of record.orders) total += order.qty * order.price;
  return {
    id: record.id,
    total: Math.round(total * 100) / 100,
    vip: record.tags.includes('vip'),
    label: `${record.name.toUpperCase()} (${record.address.city})`,
  };
}
