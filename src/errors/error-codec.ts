import { BUILTIN_ERRORS, concurErrorClass } from './error-classes.ts';

/**
 * Errors cross the thread/process boundary as plain objects: structured clone
 * keeps only the message and stack of built-in errors and drops `cause` and
 * custom properties (`code`, `statusCode`, ...). We keep all of them, and rebuild
 * built-in classes as themselves so `instanceof TypeError` still holds.
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

function encodeValue(value: unknown, depth: number): EncodedError | { thrown: unknown } {
  if (value instanceof Error && depth < 8) return encodeErrorAt(value, depth);
  return { thrown: cloneable(value) ? value : String(value) };
}

function encodeErrorAt(error: Error, depth: number): EncodedError {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key === 'errors') continue;
    const v = (error as unknown as Record<string, unknown>)[key];
    if (cloneable(v)) props[key] = v;
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
    name: error.name,
    ctor,
    message: error.message,
    stack: error.stack,
    props,
  };
  if ('cause' in error) encoded.cause = encodeValue(error.cause, depth + 1);
  if (error instanceof AggregateError)
    encoded.errors = error.errors.map((e) => encodeValue(e, depth + 1));
  return encoded;
}

/** Worker side: turns anything a task threw into a cloneable record. */
export function encodeError(error: unknown): EncodedError | EncodedThrown {
  if (error instanceof Error) return encodeErrorAt(error, 0);
  return { __concurError: 2, thrown: cloneable(error) ? error : String(error) };
}

function decodeValue(value: EncodedError | { thrown: unknown }): unknown {
  return 'thrown' in value ? value.thrown : decodeError(value);
}

/** Parent side: rebuilds the error, as its own class where it is a built-in or a concur error. */
export function decodeError(encoded: EncodedError | EncodedThrown): unknown {
  if (encoded.__concurError === 2) return encoded.thrown;
  let error: Error;
  const code = encoded.props.code;
  const concur = concurErrorClass(code);
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
  Object.assign(error, encoded.props);
  return error;
}

export function isEncodedError(value: unknown): value is EncodedError | EncodedThrown {
  return value !== null && typeof value === 'object' && '__concurError' in value;
}
