import {
  type DecodeOptions,
  decodeError,
  type EncodeOptions,
  encodeError,
  isEncodedError,
} from 'concur/backend';

/**
 * BullMQ keeps only a thrown error's message and stack. The worker appends the
 * whole error, encoded by the core error codec in its JSON mode, after this
 * marker in the stack it throws, and the submitter reads it back from the job's
 * stacktrace.
 */
export const ERROR_MARKER = '\n--concur-error-json--\n';

/**
 * The error a worker throws to BullMQ: readable in dashboards, and carrying the original.
 * `final` stops BullMQ's retries (it reads the name): for errors a retry cannot fix.
 */
export function toBullError(
  error: unknown,
  extra: Record<string, unknown> = {},
  final = false,
  options: EncodeOptions = {},
): Error {
  // Read from the record, not the error: its getters may throw, and encodeError never does
  // (its `thrown` is a JSON copy, which String() cannot make throw).
  const encoded = encodeError(error, 'json', options);
  const isError = encoded.__concurError === 1;
  const name = isError ? encoded.name : 'Error';
  const message = isError
    ? encoded.message
    : `A non-Error value was thrown: ${String(encoded.thrown)}`;
  const thrown = new Error(message);
  thrown.name = final ? 'UnrecoverableError' : name;
  const stack = isError && encoded.stack !== undefined ? encoded.stack : `${name}: ${message}`;
  thrown.stack = `${stack}${ERROR_MARKER}${JSON.stringify({ error: encoded, ...extra })}`;
  return thrown;
}

export interface FailureDetails {
  /** What the task threw: usually an Error, rebuilt as its own class. */
  error: unknown;
  extra: Record<string, unknown>;
}

/** Reads back what toBullError stored; falls back to BullMQ's failedReason. */
export function fromBullFailure(
  stacktrace: string[] | null | undefined,
  failedReason: string,
  options: DecodeOptions = {},
): FailureDetails {
  const last = stacktrace?.[stacktrace.length - 1];
  const at = last?.indexOf(ERROR_MARKER) ?? -1;
  if (last !== undefined && at >= 0) {
    try {
      const parsed = JSON.parse(last.slice(at + ERROR_MARKER.length)) as {
        error: unknown;
      } & Record<string, unknown>;
      const { error, ...extra } = parsed;
      if (isEncodedError(error)) return { error: decodeError(error, options), extra };
    } catch {
      // Fall through: a stack that is not ours.
    }
  }
  const error = new Error(failedReason || 'The job failed in the queue worker');
  if (last !== undefined) error.stack = last;
  return { error, extra: {} };
}
