import { ConcurError } from './concur-error.ts';
import * as errors from './errors.ts';

/** The built-in error classes an error codec rebuilds as themselves (so `instanceof` holds). */
export const BUILTIN_ERRORS: Readonly<Record<string, new (message?: string) => Error>> =
  Object.freeze({
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
  });

const byCode = new Map<string, typeof ConcurError>();
for (const value of Object.values(errors)) {
  if (typeof value === 'function' && value.prototype instanceof ConcurError) {
    const ctor = value as unknown as typeof ConcurError;
    byCode.set(ctor.code, ctor);
  }
}

/** The concur error class with this stable `code`, if any. */
export function concurErrorClass(code: unknown): typeof ConcurError | undefined {
  return typeof code === 'string' ? byCode.get(code) : undefined;
}
