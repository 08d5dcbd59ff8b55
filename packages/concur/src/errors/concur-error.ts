const kConcurError = Symbol.for('concur.error');

/**
 * Base class of every error concur throws. Each subclass has a stable `code`
 * (like undici's `UND_ERR_*`) so callers can branch on it without string-matching
 * messages, and `instanceof` works across realms (worker threads, vm contexts)
 * because it checks a registered symbol rather than the prototype chain.
 */
export class ConcurError extends Error {
  /** The stable code of every error of this class, such as `CONCUR_ERR_TIMEOUT`. */
  static readonly code: string = 'CONCUR_ERR';
  /** The class's stable code, kept when the error crosses a thread, a process or Redis. */
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const ctor = new.target as typeof ConcurError;
    this.name = ctor.name;
    this.code = ctor.code;
    Object.defineProperty(this, kConcurError, { value: true });
  }

  /** True for an error of this class (by its `code`), whichever realm or copy of concur made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (!(kConcurError in value)) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (this === ConcurError) return true;
    return (value as { code?: unknown }).code === this.code;
  }
}
