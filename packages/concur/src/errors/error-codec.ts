import { BUILTIN_ERRORS, concurErrorClass } from './error-classes.ts';

/**
 * Errors cross the thread/process boundary as plain objects: structured clone
 * keeps only the message and stack of built-in errors and drops `cause` and
 * custom properties (`code`, `statusCode`, ...). We keep all of them, and rebuild
 * built-in classes as themselves so `instanceof TypeError` still holds.
 * The same records travel through Redis as JSON (`'json'` encoding): then only
 * values JSON carries are kept as they are, the rest as their String().
 */
export interface EncodedError {
  readonly __concurError: 1;
  readonly name: string;
  readonly ctor: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: EncodedError | { readonly thrown: unknown };
  readonly props: Record<string, unknown>;
  readonly errors?: (EncodedError | { readonly thrown: unknown })[];
}

export interface EncodedThrown {
  readonly __concurError: 2;
  readonly thrown: unknown;
}

/** 'clone': for postMessage (structured clone); 'json': for JSON.stringify. */
export type ErrorEncoding = 'clone' | 'json';

/** Causes and AggregateError members are followed this deep; deeper ones travel as strings. */
const MAX_DEPTH = 8;

function cloneable(value: unknown): boolean {
  if (value === null || typeof value !== 'object')
    return typeof value !== 'function' && typeof value !== 'symbol';
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function jsonSafe(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

const KEEPS: Record<ErrorEncoding, (value: unknown) => boolean> = {
  clone: cloneable,
  json: jsonSafe,
};

function encodeValue(
  value: unknown,
  depth: number,
  keeps: (value: unknown) => boolean,
): EncodedError | { thrown: unknown } {
  if (value instanceof Error && depth < MAX_DEPTH) return encodeErrorAt(value, depth, keeps);
  return { thrown: keeps(value) ? value : String(value) };
}

function encodeErrorAt(
  error: Error,
  depth: number,
  keeps: (value: unknown) => boolean,
): EncodedError {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key === 'errors') continue;
    const v = (error as unknown as Record<string, unknown>)[key];
    if (keeps(v)) props[key] = v;
  }
  let ctor = 'Error';
  for (
    let proto = Object.getPrototypeOf(error);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = proto.constructor?.name;
    if (name === 'AggregateError' || (name !== undefined && name in BUILTIN_ERRORS)) {
      ctor = name;
      break;
    }
  }
  const encoded: {
    -readonly [K in keyof EncodedError]: EncodedError[K];
  } = {
    __concurError: 1,
    name: String(error.name),
    ctor,
    message: String(error.message),
    stack: typeof error.stack === 'string' ? error.stack : undefined,
    props,
  };
  if ('cause' in error) encoded.cause = encodeValue(error.cause, depth + 1, keeps);
  if (error instanceof AggregateError)
    encoded.errors = error.errors.map((e) => encodeValue(e, depth + 1, keeps));
  return encoded;
}

/** Worker side: turns anything a task threw into a record that survives `encoding`. */
export function encodeError(
  error: unknown,
  encoding: ErrorEncoding = 'clone',
): EncodedError | EncodedThrown {
  const keeps = KEEPS[encoding];
  if (error instanceof Error) return encodeErrorAt(error, 0, keeps);
  // A thrown undefined stays undefined: JSON drops the key, and decoding reads it back as such.
  return { __concurError: 2, thrown: error === undefined || keeps(error) ? error : String(error) };
}

function decodeValue(value: EncodedError | { thrown: unknown }): unknown {
  return 'thrown' in value ? value.thrown : decodeError(value);
}

/** Parent side: rebuilds the error, as its own class where it is a built-in or a concur error. */
export function decodeError(encoded: EncodedError | EncodedThrown): unknown {
  if (encoded.__concurError === 2) return encoded.thrown;
  let error: Error;
  const props = encoded.props ?? {};
  const concur = concurErrorClass(props.code);
  if (concur !== undefined) {
    error = Object.create(concur.prototype) as Error;
    Object.defineProperty(error, Symbol.for('concur.error'), { value: true });
  } else if (encoded.ctor === 'AggregateError') {
    error = new AggregateError((encoded.errors ?? []).map(decodeValue));
  } else {
    error = new (BUILTIN_ERRORS[encoded.ctor] ?? Error)();
  }
  Object.defineProperty(error, 'message', {
    value: encoded.message,
    writable: true,
    configurable: true,
  });
  if (error.name !== encoded.name) {
    Object.defineProperty(error, 'name', {
      value: encoded.name,
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(error, 'stack', {
    value: encoded.stack,
    writable: true,
    configurable: true,
  });
  if (encoded.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: decodeValue(encoded.cause),
      writable: true,
      configurable: true,
    });
  }
  // A record parsed from JSON can carry an own `__proto__` key: copying it by
  // assignment would replace the error's prototype.
  for (const key of Object.keys(props)) {
    if (key !== '__proto__') (error as unknown as Record<string, unknown>)[key] = props[key];
  }
  return error;
}

/** True for what encodeError returns (after a clone or a JSON round trip). */
export function isEncodedError(value: unknown): value is EncodedError | EncodedThrown {
  if (value === null || typeof value !== 'object') return false;
  const tag = (value as { __concurError?: unknown }).__concurError;
  // Without `thrown`: undefined was thrown, and JSON dropped the key.
  if (tag === 2) return 'thrown' in value || Object.keys(value).length === 1;
  if (tag !== 1) return false;
  const e = value as Partial<EncodedError>;
  return typeof e.name === 'string' && typeof e.message === 'string' && typeof e.ctor === 'string';
}
