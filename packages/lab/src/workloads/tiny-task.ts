import { task } from 'concur';

/** A task that does nothing: what an executor charges per task, with no work to hide it. */
export const tinyTask = task(import.meta.url, function tinyTask(i: number): number {
  return i;
});
