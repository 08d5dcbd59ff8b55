import { types } from 'node:util';

/**
 * Reading what a task threw runs the task's code: getters, Proxy traps, toString.
 * Any of them can throw (a revoked Proxy throws on every touch), and an exception
 * escaping the worker's result path kills the worker and every task it runs. So the
 * error codec reads thrown values only through these helpers, which never throw.
 */

/** A Proxy whose getPrototypeOf trap makes up new prototypes for ever stops here. */
const MAX_CHAIN = 64;

export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly thrown: unknown };

/** `target[key]`, or what reading it threw. */
export function read(target: object, key: PropertyKey): Read<unknown> {
  try {
    return { ok: true, value: (target as Record<PropertyKey, unknown>)[key] };
  } catch (thrown) {
    return { ok: false, thrown };
  }
}

/** The prototype chain of `value`, from its own prototype up; cut where a trap throws. */
export function prototypeChain(value: object): object[] {
  const chain: object[] = [];
  try {
    for (
      let proto = Object.getPrototypeOf(value) as object | null;
      proto !== null && chain.length < MAX_CHAIN;
      proto = Object.getPrototypeOf(proto) as object | null
    ) {
      chain.push(proto);
    }
  } catch {
    // A Proxy in the chain refused: keep what was read.
  }
  return chain;
}

/** The class a prototype belongs to, read without running a getter. */
export function constructorOf(proto: object): unknown {
  try {
    return Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  } catch {
    return undefined;
  }
}

/** The `name` of a class, if reading it does not throw. */
export function classNameOf(ctor: unknown): string | undefined {
  if (typeof ctor !== 'function') return undefined;
  try {
    const name: unknown = ctor.name;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Own enumerable string keys, or none if listing them throws. */
export function ownKeys(value: object): string[] {
  try {
    return Object.keys(value);
  } catch {
    return [];
  }
}

/** `key in value`, false if asking throws. */
export function has(value: object, key: PropertyKey): boolean {
  try {
    return key in value;
  } catch {
    return false;
  }
}

/** String(value); if that throws, a text that says what the value is. */
export function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    // Object.create(null), a toString that throws, a revoked Proxy.
  }
  if (types.isProxy(value)) return '[a Proxy that cannot be read]';
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return `[a thrown ${typeof value} that cannot be read]`;
  }
}

/** What a thrown value says: an Error's message, else safeText(); never throws itself. */
export function thrownText(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message);
  } catch {
    // A revoked Proxy, a message getter that throws.
  }
  return safeText(value);
}
