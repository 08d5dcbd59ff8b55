/**
 * What a successful acquire returns: releases exactly once, however often it is
 * called, so `await using held = await lock.acquire()` and an explicit
 * `held.release()` in the same block do not release twice.
 */
export class ReleaseHandle implements Disposable, AsyncDisposable {
  #release: (() => void) | undefined;

  constructor(release: () => void) {
    this.#release = release;
  }

  /** True until the first `release()`. */
  get held(): boolean {
    return this.#release !== undefined;
  }

  /** Releases what `acquire()` took; a second call does nothing. */
  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  /** Releases, for `using`. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Releases, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}
