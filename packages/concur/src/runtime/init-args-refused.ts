import { ConcurError } from '../errors/concur-error.ts';
import { DataCloneError, PLAIN_DATA } from '../errors/errors.ts';
import { thrownText } from '../errors/thrown-value.ts';
import { trimPeriod } from '../options/validate.ts';
import type { RuntimeName } from './wire.ts';

/**
 * The error for a pool whose initArgs cannot reach its workers: a value structured clone
 * refuses (a function), or one that throws when it is read (a getter, a Proxy trap).
 * Thread and process pools name the same error; concur's own errors pass through.
 * `reading`: the error was thrown while concur read the values, before any clone.
 */
export function initArgsRefused(runtime: RuntimeName, error: unknown, reading = false): Error {
  if (error instanceof ConcurError) return error;
  const text = thrownText(error);
  const reason = reading ? `reading them threw: ${text}` : text;
  return new DataCloneError(
    `The initArgs of this pool cannot be sent to a ${runtime} worker: ${trimPeriod(reason)}. ` +
      `Send plain data (${PLAIN_DATA}).`,
    { cause: error },
  );
}
