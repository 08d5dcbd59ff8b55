import {
  BUILTIN_ERRORS,
  builtinErrorName,
  type ClassRef,
  classRefOf,
  concurErrorClass,
  userErrorClass,
} from './error-classes.ts';
import {
  classNameOf,
  constructorOf,
  has,
  ownKeys,
  prototypeChain,
  read,
  safeText,
} from './thrown-value.ts';

/**
 * Errors cross the thread/process boundary as plain objects: structured clone
 * keeps only the message and stack of built-in errors and drops `cause` and
 * custom properties (`code`, `statusCode`, ...). We keep all of them, and rebuild
 * the class (see error-classes.ts) so `instanceof` still holds.
 * The same records travel through Redis as JSON (`'json'` encoding): then only
 * values JSON carries are kept as they are, the rest as their String().
 *
 * Encoding never throws, whatever was thrown (see thrown-value.ts): a field whose
 * getter throws is left out, except `name` (the class's name instead) and
 * `message` (a text saying it could not be read).
 */
export interface EncodedError {
  /** Marks an encoded error. */
  readonly __concurError: 1;
  /** The error's `name`. */
  readonly name: string;
  /** The nearest built-in class: 'Error', 'TypeError', ..., 'AggregateError', 'DOMException'. */
  readonly ctor: string;
  /** The error's message. */
  readonly message: string;
  /** The error's stack, if it had one. */
  readonly stack: string | undefined;
  /** The encoded `cause`, if any. */
  readonly cause?: EncodedValue;
  /** Own properties that could be copied (such as `code`). */
  readonly props: Record<string, unknown>;
  /** The encoded `errors` of an AggregateError. */
  readonly errors?: EncodedValue[];
  /** A user class registered on both sides. */
  readonly cls?: ClassRef;
}

/**
 * A cause or AggregateError member: an error, another value, or `{ seen: n }` for
 * the n-th error record of this encoding (0 = the top one), which keeps cycles and
 * shared errors as one object instead of copying them for ever.
 */
export type EncodedValue = EncodedError | { readonly thrown: unknown } | { readonly seen: number };

/** A thrown value that is not an error, as it can be copied. */
export interface EncodedThrown {
  /** Marks an encoded non-error value. */
  readonly __concurError: 2;
  /** The value, or its `String()` when it cannot be copied. */
  readonly thrown: unknown;
}

/** 'clone': for postMessage (structured clone); 'json': for JSON.stringify. */
export type ErrorEncoding = 'clone' | 'json';

/** Options of `encodeError()`. */
export interface EncodeOptions {
  /**
   * Renames the task module in a reference to a class it exports, for a receiver on
   * another machine (the queue: a path under the tasks root). Undefined drops the reference.
   */
  readonly moduleName?: (url: string) => string | undefined;
}

/** Options of `decodeError()`. */
export interface DecodeOptions {
  /** The module URLs here that a module name from `EncodeOptions.moduleName` may mean. */
  readonly moduleUrls?: (name: string) => readonly string[];
}

/** Causes and AggregateError members are followed this deep; deeper ones travel as strings. */
const MAX_DEPTH = 8;

type Copy = { readonly value: unknown } | undefined;

/** What the receiver gets for a value: made here, so the transport never reads it again. */
const COPIERS: Record<ErrorEncoding, (value: unknown) => Copy> = {
  clone(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      return typeof value === 'symbol' ? undefined : { value };
    }
    try {
      return { value: structuredClone(value) };
    } catch {
      return undefined;
    }
  },
  json(value) {
    try {
      const text = JSON.stringify(value);
      return text === undefined ? undefined : { value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  },
};

function isErrorChain(chain: readonly object[]): boolean {
  return chain.includes(Error.prototype);
}

class Encoder {
  readonly #copy: (value: unknown) => Copy;
  readonly #moduleName: EncodeOptions['moduleName'];
  readonly #seen = new Map<object, number>();

  constructor(encoding: ErrorEncoding, options: EncodeOptions) {
    this.#copy = COPIERS[encoding];
    this.#moduleName = options.moduleName;
  }

  /** The thrown value itself, or its text if it cannot be copied. */
  thrown(value: unknown): unknown {
    const copy = this.#copy(value);
    return copy === undefined ? safeText(value) : copy.value;
  }

  value(value: unknown, depth: number): EncodedValue {
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      const seen = this.#seen.get(value);
      if (seen !== undefined) return { seen };
      const chain = prototypeChain(value);
      if (depth < MAX_DEPTH && isErrorChain(chain)) return this.error(value, chain, depth);
    }
    return { thrown: this.thrown(value) };
  }

  #classRef(chain: readonly object[]): ClassRef | undefined {
    const ref = classRefOf(chain);
    if (ref === undefined || !('module' in ref) || this.#moduleName === undefined) return ref;
    const module = this.#moduleName(ref.module);
    return module === undefined ? undefined : { module, export: ref.export };
  }

  error(error: object, chain: readonly object[], depth: number): EncodedError {
    this.#seen.set(error, this.#seen.size);
    const ctor = builtinErrorName(chain) ?? 'Error';
    const props: Record<string, unknown> = {};
    for (const key of ownKeys(error)) {
      if (key === 'cause' || key === 'errors') continue;
      const v = read(error, key);
      const copy = v.ok ? this.#copy(v.value) : undefined;
      if (copy !== undefined) props[key] = copy.value;
    }
    const encoded: { -readonly [K in keyof EncodedError]: EncodedError[K] } = {
      __concurError: 1,
      name: textOf(error, 'name') ?? classNameOf(constructorOf(chain[0] ?? {})) ?? ctor,
      ctor,
      message: messageOf(error),
      stack: stackOf(error),
      props,
    };
    const cls = this.#classRef(chain);
    if (cls !== undefined) encoded.cls = cls;
    if (has(error, 'cause')) {
      const cause = read(error, 'cause');
      if (cause.ok) encoded.cause = this.value(cause.value, depth + 1);
    }
    if (ctor === 'AggregateError') {
      const members = membersOf(error);
      if (members !== undefined) encoded.errors = members.map((e) => this.value(e, depth + 1));
    }
    return encoded;
  }
}

/** `String(error[key])`, or undefined if reading or converting it throws. */
function textOf(error: object, key: string): string | undefined {
  const v = read(error, key);
  if (!v.ok) return undefined;
  try {
    return String(v.value);
  } catch {
    return undefined;
  }
}

function messageOf(error: object): string {
  const v = read(error, 'message');
  if (v.ok) {
    try {
      return String(v.value);
    } catch (thrown) {
      return `(the error's message could not be turned into text: ${safeText(thrown)})`;
    }
  }
  return `(the error's message could not be read: its getter threw ${safeText(v.thrown)})`;
}

function stackOf(error: object): string | undefined {
  const v = read(error, 'stack');
  return v.ok && typeof v.value === 'string' ? v.value : undefined;
}

function membersOf(error: object): unknown[] | undefined {
  try {
    const list = (error as { errors?: unknown }).errors;
    return Array.isArray(list) ? Array.from(list) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Worker side: turns anything a task threw into a record that survives `encoding`.
 * Never throws: a worker that failed here would take every task it runs down with it.
 */
export function encodeError(
  error: unknown,
  encoding: ErrorEncoding = 'clone',
  options: EncodeOptions = {},
): EncodedError | EncodedThrown {
  try {
    const encoder = new Encoder(encoding, options);
    if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
      const chain = prototypeChain(error);
      if (isErrorChain(chain)) return encoder.error(error, chain, 0);
    }
    // A thrown undefined stays undefined: JSON drops the key, and decoding reads it back as such.
    return { __concurError: 2, thrown: error === undefined ? error : encoder.thrown(error) };
  } catch (failure) {
    // Not reached by any value we know of; kept so that a case we missed costs a text, not a worker.
    return {
      __concurError: 2,
      thrown: `(concur could not encode the thrown value: ${safeText(failure)})`,
    };
  }
}

/**
 * The same record with only its text fields: for when the transport still refuses
 * the full one (a value structured clone accepted but the process channel does not).
 */
export function textOnly(encoded: EncodedError | EncodedThrown): EncodedError | EncodedThrown {
  if (encoded.__concurError === 2) {
    const t = encoded.thrown;
    return { __concurError: 2, thrown: typeof t === 'object' && t !== null ? safeText(t) : t };
  }
  const { name, ctor, message, stack, cls } = encoded;
  return {
    __concurError: 1,
    name,
    ctor,
    message,
    stack,
    props: {},
    ...(cls === undefined ? {} : { cls }),
  };
}

const writable = { writable: true, configurable: true } as const;

class Decoder {
  readonly #made: unknown[] = [];
  readonly #options: DecodeOptions;

  constructor(options: DecodeOptions) {
    this.#options = options;
  }

  value(value: EncodedValue): unknown {
    if ('seen' in value) return this.#made[value.seen];
    return 'thrown' in value ? value.thrown : this.error(value);
  }

  error(encoded: EncodedError): Error {
    const error = create(encoded, this.#options);
    this.#made.push(error);
    if (encoded.ctor !== 'DOMException') {
      Object.defineProperty(error, 'message', { value: encoded.message, ...writable });
      if (nameOf(error) !== encoded.name)
        Object.defineProperty(error, 'name', { value: encoded.name, ...writable });
    }
    Object.defineProperty(error, 'stack', { value: encoded.stack, ...writable });
    if (encoded.cause !== undefined)
      Object.defineProperty(error, 'cause', { value: this.value(encoded.cause), ...writable });
    if (Array.isArray(encoded.errors))
      Object.defineProperty(error, 'errors', {
        value: encoded.errors.map((e) => this.value(e)),
        ...writable,
      });
    // Defined, not assigned: a record parsed from JSON can carry an own `__proto__` key,
    // and a user class can have a getter-only accessor under a field's name.
    const props = encoded.props ?? {};
    for (const key of Object.keys(props)) {
      if (key !== '__proto__')
        Object.defineProperty(error, key, { value: props[key], enumerable: true, ...writable });
    }
    return error;
  }
}

function create(encoded: EncodedError, options: DecodeOptions): Error {
  const cls = userErrorClass(encoded.cls, options.moduleUrls);
  if (cls !== undefined) return nativeAs(encoded, cls);
  const concur = concurErrorClass(encoded.props?.code);
  if (concur !== undefined) {
    const error = nativeAs(encoded, concur);
    Object.defineProperty(error, Symbol.for('concur.error'), { value: true });
    return error;
  }
  if (encoded.ctor === 'DOMException') return new DOMException(encoded.message, encoded.name);
  if (encoded.ctor === 'AggregateError') return new AggregateError([]);
  return new (BUILTIN_ERRORS[encoded.ctor] ?? Error)();
}

/**
 * A native error of the encoded built-in kind (so `util.types.isNativeError` and
 * `Error.isError` hold) with `cls`'s prototype; `cls`'s own constructor does not run.
 */
function nativeAs(encoded: EncodedError, cls: abstract new (...args: never[]) => unknown): Error {
  if (encoded.ctor === 'DOMException') {
    return Reflect.construct(DOMException, [encoded.message, encoded.name], cls) as Error;
  }
  if (encoded.ctor === 'AggregateError')
    return Reflect.construct(AggregateError, [[]], cls) as Error;
  return Reflect.construct(BUILTIN_ERRORS[encoded.ctor] ?? Error, [], cls) as Error;
}

/** The name a new error already has (from its class), without trusting the class's getter. */
function nameOf(error: Error): unknown {
  try {
    return error.name;
  } catch {
    return undefined;
  }
}

/** Parent side: rebuilds the error, as its own class where this side knows it. */
export function decodeError(
  encoded: EncodedError | EncodedThrown,
  options: DecodeOptions = {},
): unknown {
  if (encoded.__concurError === 2) return encoded.thrown;
  return new Decoder(options).error(encoded);
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
