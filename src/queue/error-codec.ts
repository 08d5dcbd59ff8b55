import { BUILTIN_ERRORS, concurErrorClass } from '../errors/error-classes.ts';

/** An error as it travels from a queue worker back to the submitter (plain JSON). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** Own enumerable properties that JSON can carry. */
  props?: Record<string, unknown>;
  cause?: WireError | { value: unknown };
}

function jsonSafe(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

export function serializeError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: `A non-Error value was thrown: ${String(error)}` };
  }
  const wire: WireError = { name: error.name, message: error.message };
  if (typeof error.stack === 'string') wire.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') wire.code = code;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'code' || key === 'name' || key === 'message' || key === 'stack') continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (jsonSafe(value)) props[key] = value;
  }
  if (Object.keys(props).length > 0) wire.props = props;
  if (error.cause !== undefined && depth < 4) {
    wire.cause =
      error.cause instanceof Error
        ? serializeError(error.cause, depth + 1)
        : { value: jsonSafe(error.cause) ? error.cause : String(error.cause) };
  }
  return wire;
}

function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WireError).name === 'string' &&
    typeof (value as WireError).message === 'string'
  );
}

/** Rebuilds an error: built-in classes and concur's own come back as themselves. */
export function deserializeError(wire: unknown): Error {
  if (!isWireError(wire)) return new Error(String(wire));
  const Ctor =
    (concurErrorClass(wire.code) as (new (message: string) => Error) | undefined) ??
    BUILTIN_ERRORS[wire.name] ??
    Error;
  let error: Error;
  try {
    error = new Ctor(wire.message);
  } catch {
    error = new Error(wire.message);
  }
  if (error.name !== wire.name) {
    Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true });
  }
  if (wire.code !== undefined) {
    Object.defineProperty(error, 'code', {
      value: wire.code,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (wire.props !== undefined) Object.assign(error, wire.props);
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.cause !== undefined) {
    const cause = 'value' in wire.cause ? wire.cause.value : deserializeError(wire.cause);
    Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  }
  return error;
}

/**
 * BullMQ keeps only a thrown error's message and stack. The worker appends the
 * whole error as JSON after this marker in the stack it throws, and the
 * submitter reads it back from the job's stacktrace.
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
): Error {
  const wire = serializeError(error);
  const thrown = new Error(wire.message);
  thrown.name = final ? 'UnrecoverableError' : wire.name;
  thrown.stack = `${wire.stack ?? `${wire.name}: ${wire.message}`}${ERROR_MARKER}${JSON.stringify({ error: wire, ...extra })}`;
  return thrown;
}

export interface FailureDetails {
  error: Error;
  extra: Record<string, unknown>;
}

/** Reads back what toBullError stored; falls back to BullMQ's failedReason. */
export function fromBullFailure(
  stacktrace: string[] | null | undefined,
  failedReason: string,
): FailureDetails {
  const last = stacktrace?.[stacktrace.length - 1];
  const at = last?.indexOf(ERROR_MARKER) ?? -1;
  if (last !== undefined && at >= 0) {
    try {
      const parsed = JSON.parse(last.slice(at + ERROR_MARKER.length)) as {
        error: unknown;
      } & Record<string, unknown>;
      const { error, ...extra } = parsed;
      return { error: deserializeError(error), extra };
    } catch {
      // Fall through: a stack that is not ours.
    }
  }
  const error = new Error(failedReason || 'The job failed in the queue worker');
  if (last !== undefined) error.stack = last;
  return { error, extra: {} };
}
