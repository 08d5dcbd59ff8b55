import { randomIntegers } from './random.ts';

export interface StructureResult {
  name: string;
  /** What the story's Python calls it. */
  story: string;
  found: number;
  nsPerLookup: number;
}

interface Candidate {
  name: string;
  story: string;
  build(values: number[]): unknown;
  has(structure: unknown, value: number): boolean;
}

function binarySearch(sorted: Int32Array | Float64Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const CANDIDATES: readonly Candidate[] = [
  {
    name: 'Array',
    story: 'list',
    build: (v) => v.slice(),
    has: (s, x) => (s as number[]).includes(x),
  },
  {
    name: 'frozen Array',
    story: 'tuple',
    build: (v) => Object.freeze(v.slice()),
    has: (s, x) => (s as readonly number[]).includes(x),
  },
  { name: 'Set', story: 'set', build: (v) => new Set(v), has: (s, x) => (s as Set<number>).has(x) },
  {
    name: 'Map',
    story: 'dict',
    build: (v) => new Map(v.map((x) => [x, true])),
    has: (s, x) => (s as Map<number, boolean>).has(x),
  },
  {
    name: 'plain object',
    story: 'dict',
    build: (v) => {
      const o: Record<number, true> = {};
      for (const x of v) o[x] = true;
      return o;
    },
    has: (s, x) => Object.hasOwn(s as object, x),
  },
  {
    name: 'sorted Int32Array',
    story: 'bisect',
    build: (v) => Int32Array.from(v).sort(),
    has: (s, x) => binarySearch(s as Int32Array, x),
  },
];

/** Repeats the lookups until they took this long, so fast structures are timed above the clock's noise. */
const MIN_TIMED_MS = 50;

/** Times a membership test in each structure: the story's list/set/tuple/dict profile. */
export function compareStructures(
  size: number,
  lookups: number,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): StructureResult[] {
  const values = randomIntegers(seed, size, size * 2);
  const needles = randomIntegers(seed + 1, lookups, size * 2);
  const results: StructureResult[] = [];
  for (const candidate of CANDIDATES) {
    const structure = candidate.build(values);
    let found = 0;
    let rounds = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      found = 0;
      for (const needle of needles) if (candidate.has(structure, needle)) found++;
      rounds++;
      elapsed = performance.now() - start;
    } while (elapsed < MIN_TIMED_MS);
    results.push({
      name: candidate.name,
      story: candidate.story,
      found,
      nsPerLookup: (elapsed * 1e6) / (rounds * needles.length),
    });
    onProgress?.(results.length, CANDIDATES.length);
  }
  return results;
}
