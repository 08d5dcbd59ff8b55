// The tasks the scale bench runs on its queue workers.
import { task } from 'concur';

/** Returns at once: what a job costs in Redis and in the executor, with no work. */
export const noop = task(import.meta.url, function noop(i) {
  return i;
});

/** Waits `ms` without using a core: a worker's slots, not its CPU, bound the rate. */
export const pause = task(import.meta.url, async function pause(ms, i) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return i;
});
