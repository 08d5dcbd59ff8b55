/**
 * What a task function receives as `this`. The signal is created on first read,
 * so tasks that never look at it cost no AbortController.
 *
 * In-process executors (sequential, async) abort it when the call's signal aborts
 * or its timeout elapses; the task must check it to stop early. Pool executors
 * stop the whole worker instead, so their tasks never need to look.
 */
export interface TaskContext {
  /** Aborts when the call's signal aborts or its timeout elapses (in-process executors); pass it to `fetch` and the like, or check it, to stop early. */
  readonly signal: AbortSignal;
}

export class LazyTaskContext implements TaskContext {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
