import { ConcurError } from './concur-error.ts';
import * as errors from './errors.ts';
import * as syncErrors from './sync-errors.ts';
import { constructorOf } from './thrown-value.ts';

/**
 * The one registry of error classes that an error codec rebuilds as themselves, so
 * that `instanceof` holds after a trip through a worker or Redis:
 * - built-in classes, found by prototype (a user class named `TypeError` is not one);
 * - concur's own errors, found by their stable `code`;
 * - the user's classes, pickled by reference as Python does: a class exported by a
 *   task module is named by (module URL, export name), a class given to
 *   `registerErrorClass` by its registered name. The receiving side must know the
 *   class under the same reference; if it does not, the error comes back as the
 *   nearest built-in class with the original `name`.
 */

type AnyErrorClass = abstract new (...args: never[]) => Error;

/** A constructor whose instances are errors. */
export type ErrorClass = AnyErrorClass;

/** How an encoded error names a user class. */
export type ClassRef =
  | { readonly name: string }
  | { readonly module: string; readonly export: string };

/** Built-in classes by prototype, nearest first when walking a prototype chain. */
const BUILTINS = new Map<object, string>([
  [TypeError.prototype, 'TypeError'],
  [RangeError.prototype, 'RangeError'],
  [SyntaxError.prototype, 'SyntaxError'],
  [ReferenceError.prototype, 'ReferenceError'],
  [EvalError.prototype, 'EvalError'],
  [URIError.prototype, 'URIError'],
  [AggregateError.prototype, 'AggregateError'],
  [DOMException.prototype, 'DOMException'],
  [Error.prototype, 'Error'],
]);

/** The built-in classes rebuilt with `new C(message)`. */
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

/** The nearest built-in error class in a prototype chain ('Error' if none). */
export function builtinErrorName(chain: readonly object[]): string | undefined {
  for (const proto of chain) {
    const name = BUILTINS.get(proto);
    if (name !== undefined) return name;
  }
  return undefined;
}

const byCode = new Map<string, typeof ConcurError>();
const concurClasses = new Set<unknown>([ConcurError]);
for (const value of [...Object.values(errors), ...Object.values(syncErrors)]) {
  if (typeof value === 'function' && value.prototype instanceof ConcurError) {
    const ctor = value as unknown as typeof ConcurError;
    byCode.set(ctor.code, ctor);
    concurClasses.add(ctor);
  }
}

/** The concur error class with this stable `code`, if any. */
export function concurErrorClass(code: unknown): typeof ConcurError | undefined {
  return typeof code === 'string' ? byCode.get(code) : undefined;
}

interface UserClasses {
  readonly byName: Map<string, AnyErrorClass>;
  readonly byModule: Map<string, Map<string, AnyErrorClass>>;
  readonly refs: WeakMap<AnyErrorClass, ClassRef>;
  readonly scanned: Set<string>;
}

// On globalThis, like the task registry, so two copies of concur in one program share it.
const kUserClasses = Symbol.for('concur.error-classes');
const holder = globalThis as { [kUserClasses]?: UserClasses };
const user: UserClasses = holder[kUserClasses] ?? {
  byName: new Map(),
  byModule: new Map(),
  refs: new WeakMap(),
  scanned: new Set(),
};
holder[kUserClasses] = user;

/** A class whose instances are errors. */
export function isErrorClass(value: unknown): value is AnyErrorClass {
  if (typeof value !== 'function') return false;
  try {
    return value.prototype instanceof Error;
  } catch {
    return false;
  }
}

/**
 * Registers `cls` under `name` (see registerErrorClass in task/register-error-class.ts,
 * which checks the arguments). Returns the other class already registered under
 * `name`, if any, and then changes nothing.
 */
export function addNamedErrorClass(cls: AnyErrorClass, name: string): AnyErrorClass | undefined {
  const existing = user.byName.get(name);
  if (existing !== undefined && existing !== cls) return existing;
  user.byName.set(name, cls);
  // A registered name beats a module reference: both sides know it as soon as the module runs.
  const ref = user.refs.get(cls);
  if (ref === undefined || !('name' in ref)) user.refs.set(cls, Object.freeze({ name }));
  return undefined;
}

/** Remembers the error classes a task module exports, under (its URL, export name). */
export function registerModuleErrorClasses(url: string, namespace: object): void {
  user.scanned.add(url);
  let exports: string[];
  try {
    exports = Object.keys(namespace);
  } catch {
    return;
  }
  for (const key of exports) {
    let value: unknown;
    try {
      value = (namespace as Record<string, unknown>)[key];
    } catch {
      continue; // An export still in its temporal dead zone.
    }
    if (!isErrorClass(value) || concurClasses.has(value)) continue;
    let byExport = user.byModule.get(url);
    if (byExport === undefined) {
      byExport = new Map();
      user.byModule.set(url, byExport);
    }
    byExport.set(key, value);
    if (!user.refs.has(value)) user.refs.set(value, Object.freeze({ module: url, export: key }));
  }
}

/**
 * Caller side: finds the error classes of a task module the caller has loaded, so
 * that errors of those classes coming back from a worker are rebuilt as them. The
 * import is of a module already evaluated here (it defined the task), so it settles
 * long before a worker can answer; a module still evaluating (a program that awaits
 * results at its top level) is only scanned once it finishes.
 */
export function scanTaskModule(url: string): void {
  if (user.scanned.has(url)) return;
  user.scanned.add(url);
  import(url).then(
    (namespace: object) => registerModuleErrorClasses(url, namespace),
    () => {
      // The task will fail in the worker with TaskNotFoundError, which says why.
    },
  );
}

/** How to name the class of an error whose prototype chain is `chain`, if it is a user class. */
export function classRefOf(chain: readonly object[]): ClassRef | undefined {
  for (const proto of chain) {
    if (BUILTINS.has(proto)) return undefined;
    const ctor = constructorOf(proto);
    if (typeof ctor !== 'function') continue;
    const ref = user.refs.get(ctor as AnyErrorClass);
    if (ref !== undefined) return ref;
  }
  return undefined;
}

/** The user class a ClassRef names here, if this side knows it. */
export function userErrorClass(
  ref: unknown,
  moduleUrls?: (name: string) => readonly string[],
): AnyErrorClass | undefined {
  if (ref === null || typeof ref !== 'object') return undefined;
  const r = ref as { name?: unknown; module?: unknown; export?: unknown };
  if (typeof r.name === 'string') return user.byName.get(r.name);
  if (typeof r.module !== 'string' || typeof r.export !== 'string') return undefined;
  for (const url of moduleUrls === undefined ? [r.module] : moduleUrls(r.module)) {
    const cls = user.byModule.get(url)?.get(r.export);
    if (cls !== undefined) return cls;
  }
  return undefined;
}
