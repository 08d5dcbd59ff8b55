import { InvalidArgumentError } from '../errors/errors.ts';

/** Renders a value for an error message: `0` (number), `"x"` (string), `[object Object]` (object). */
export function describeValue(value: unknown): string {
  try {
    return describeReadable(value);
  } catch {
    // A Proxy whose traps throw, a revoked one, a getter on `name`: say what can be said.
    const type = typeof value;
    return `\`[${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} that cannot be read]\` (${type})`;
  }
}

function describeReadable(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'function')
    shown = value.name ? `function ${value.name}` : 'anonymous function';
  else {
    try {
      shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    } catch {
      shown = Object.prototype.toString.call(value);
    }
  }
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}

/** The single message template for every argument check in concur. */
export function invalid(name: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    `Expected \`${name}\` to be ${expected}, got ${describeValue(value)}`,
  );
}

/** Returns `value` if it is an integer from `min` to `max`; otherwise throws InvalidArgumentError naming `name`. */
export function checkInteger(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `from ${min} and up` : `from ${min} to ${max}`;
    throw invalid(name, `an integer ${range}`, value);
  }
  return value;
}

/** Like checkInteger but also accepts `Infinity` (used for "unlimited"). */
export function checkLimit(name: string, value: unknown, min: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(name, `an integer from ${min} and up, or Infinity`, value);
  }
  return value;
}

/** Returns `value` if it is a finite number from 0 and up; otherwise throws InvalidArgumentError naming `name`. */
export function checkNonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(name, 'a finite number from 0 and up', value);
  }
  return value;
}

/** Node's timer limit: setTimeout turns anything longer into 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timeout in milliseconds, from 0 up to the longest timer Node has. */
export function checkTimeoutMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    throw invalid(
      name,
      `a number from 0 to ${MAX_TIMEOUT_MS} (about 24.8 days; leave it out for no timeout)`,
      value,
    );
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean', value);
  return value;
}

/** Returns `value` if it is one of `allowed`; otherwise throws InvalidArgumentError naming `name`. */
export function checkOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

export function checkSignal(name: string, value: unknown): AbortSignal {
  if (!(value instanceof AbortSignal)) throw invalid(name, 'an AbortSignal', value);
  return value;
}

/** Throws if `options` has a key that is not in `known`: a typo must not be silently ignored. */
export function checkKnownKeys(
  what: string,
  options: object,
  known: readonly string[],
  /** A sentence on where an unknown key belongs instead, if it belongs somewhere. */
  elsewhere?: (key: string) => string | undefined,
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = elsewhere?.(key);
      throw new InvalidArgumentError(
        `Unknown option \`${key}\` for ${what}; expected one of ${known.map((k) => `\`${k}\``).join(', ')}` +
          (hint === undefined ? '' : `. ${hint}`),
      );
    }
  }
}

/** Returns `value` if it is a plain options object (not null, not an array); otherwise throws InvalidArgumentError naming `name`. */
export function checkObject(name: string, value: unknown): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(name, 'an options object', value);
  }
  return value;
}

/** Drops a trailing period, so a quoted message can be followed by our own sentence. */
export function trimPeriod(message: string): string {
  return message.endsWith('.') ? message.slice(0, -1) : message;
}
