import { addNamedErrorClass, type ErrorClass, isErrorClass } from '../errors/error-classes.ts';
import { classNameOf } from '../errors/thrown-value.ts';
import { invalid } from '../options/validate.ts';

// The registry is errors/error-classes.ts; this public front lives here because it checks
// its arguments with the options/ message template, which errors/ cannot import.

/**
 * Makes errors of class `cls` (and of its subclasses that are not registered
 * themselves) come back from workers and queue workers as `cls`, so `instanceof`
 * holds. Call it at the top level of a module that both the caller and the workers
 * import (the task's module, or one it imports), so every side knows the name.
 * Classes exported by a task module need no call: they are found by module and name.
 * The copy is made without running the constructor: it gets the original's
 * `message`, `name`, `stack`, `cause` and own properties (private `#fields` are not copied).
 *
 * @param name What the class is known by on every side; defaults to `cls.name`.
 * Two different classes cannot share a name: give one another.
 * @example
 * export class HttpError extends Error { constructor(readonly status: number) { super(`HTTP ${status}`); } }
 * registerErrorClass(HttpError);
 */
export function registerErrorClass(cls: ErrorClass, name?: string): void {
  if (!isErrorClass(cls)) throw invalid('cls', 'a class that extends Error', cls);
  const key = name ?? classNameOf(cls);
  if (typeof key !== 'string' || key === '') {
    throw invalid('name', 'a non-empty string (the class has no name of its own)', key);
  }
  if (addNamedErrorClass(cls, key) !== undefined) {
    throw invalid(
      'name',
      `a name no other error class is registered under; \`${key}\` is taken by another class, so pass a distinct one: registerErrorClass(cls, 'my-lib.${key}')`,
      key,
    );
  }
}
