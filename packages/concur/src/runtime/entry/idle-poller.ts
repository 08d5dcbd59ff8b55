/**
 * How long an idle worker keeps checking for its next job before it sleeps until the next
 * message event. Woken from sleep, a worker took ~150 us (thread) to ~190 us (process) to
 * answer on a 2-core VM; a polling one answers at once, so callers that submit their next
 * task as soon as they get a result are answered within the window. The cost: at most this
 * much CPU per idle period.
 */
export const POLL_MS = 0.1;

/**
 * Polls a worker's channel without sleeping while the worker is idle: `receive` reads and
 * handles one message if there is one (and says so); every message found restarts the
 * window; polling stops when `idle` turns false (an async task needs the event loop).
 */
export class IdlePoller {
  #polling = false;
  readonly #receive: () => boolean;
  readonly #idle: () => boolean;

  constructor(receive: () => boolean, idle: () => boolean) {
    this.#receive = receive;
    this.#idle = idle;
  }

  /** Polls for up to POLL_MS after the last message; a call made while polling returns at once. */
  poll(): void {
    if (this.#polling || !this.#idle()) return;
    this.#polling = true;
    try {
      let until = performance.now() + POLL_MS;
      while (performance.now() < until) {
        if (!this.#receive()) continue;
        if (!this.#idle()) break;
        until = performance.now() + POLL_MS;
      }
    } finally {
      this.#polling = false;
    }
  }
}
