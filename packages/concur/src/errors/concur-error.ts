const kConcurError = Symbol.for('concur.error');

/**
 * Base class of every error concur throws. Each subclass has a stable `code`
 * (like undici's `UND_ERR_*`) so callers can branch on it without string-matching
 * messages, and `instanceof` works across realms (worker threads, vm contexts)
 * because it checks a registered symbol rather than the prototype chain.
 */
export class ConcurError extends Error {
  static readonly code: string = 'CONCUR_ERR';
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const ctor = new.target as typeof ConcurError;
    this.name = ctor.name;
    this.code = ctor.code;
    Object.defineProperty(this, kConcurError, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (!(kConcurError in value)) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (this === ConcurError) return true;
    return (value as { code?: unknown }).code === this.code;
  }
}
