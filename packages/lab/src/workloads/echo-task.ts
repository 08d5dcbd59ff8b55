import { task } from 'concur';

/** Returns its argument: the cost of sending a value to a worker and back. */
export const echoTask = task(import.meta.url, function echoTask(value: unknown): unknown {
  return value;
});
