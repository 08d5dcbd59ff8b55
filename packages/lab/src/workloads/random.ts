/** mulberry32: a tiny seeded PRNG, so every model searches exactly the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` integers in [0, max), from `seed`. */
export function randomIntegers(seed: number, count: number, max: number): number[] {
  const next = seededRandom(seed);
  // push, not new Array(count): a preallocated array stays "holey" in V8, which is
  // slower to search and to structured-clone to a worker.
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor(next() * max));
  return out;
}
