// Tasks of different kinds for `npm run bench:advice`: the advice of `concur compare
// --task` against a full sweep on each. inputs() gives each task's --inputs.
import { setTimeout as sleep } from 'node:timers/promises';
import { task } from 'concur';

/**
 * Fixed work: about `ms` milliseconds of one core on the AMD EPYC dev host (178,000
 * iterations a millisecond). Not "spin until the clock says ms": with more threads than
 * cores, a clock-bound spin ends on time while doing less work, and oversubscribed pools
 * looked faster than the cores allow.
 */
const ITERATIONS_PER_MS = 178_000;
function burn(ms) {
  let x = 0;
  for (let i = 0, n = Math.round(ms * ITERATIONS_PER_MS); i < n; i++) x = (x * 31 + 7) % 1_000_003;
  return x;
}

export const cpuHeavy = task(import.meta.url, function cpuHeavy(ms) {
  burn(ms);
  return ms;
});

export const waits = task(import.meta.url, async function waits(ms) {
  await sleep(ms);
  return ms;
});

export const tiny = task(import.meta.url, function tiny(i) {
  return i * 2;
});

export const largeArgument = task(import.meta.url, function largeArgument(numbers) {
  let sum = 0;
  for (const n of numbers) sum += n;
  return sum;
});

export const computeThenWait = task(import.meta.url, async function computeThenWait(ms) {
  burn(ms / 5);
  await sleep(ms);
  return ms;
});

export const memoryHeavy = task(import.meta.url, function memoryHeavy(mb) {
  const big = new Float64Array((mb * 1024 * 1024) / 8);
  for (let i = 0; i < big.length; i += 64) big[i] = i;
  let sum = 0;
  for (let i = 0; i < big.length; i += 64) sum += big[i];
  return sum;
});

export const uneven = task(import.meta.url, function uneven(ms) {
  burn(ms);
  return ms;
});

export const failsOnSome = task(import.meta.url, function failsOnSome(i) {
  burn(10);
  if (i % 7 === 0) throw new RangeError(`input ${i} is a multiple of 7`);
  return i;
});

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

/** Inputs sized so that sequential takes one to three seconds on one core. */
export const INPUTS = {
  cpuHeavy: () => range(80, () => 20),
  waits: () => range(60, () => 40),
  tiny: () => range(50_000, (i) => i),
  largeArgument: () => range(24, (i) => range(200_000, (j) => (i + j) % 97)),
  computeThenWait: () => range(60, () => 25),
  memoryHeavy: () => range(24, () => 48),
  uneven: () => range(60, (i) => 1 + ((i * 37) % 60) ** 2 / 60),
  failsOnSome: () => range(100, (i) => i + 1),
};
