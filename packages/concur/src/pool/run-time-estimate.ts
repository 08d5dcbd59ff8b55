/**
 * The pool's estimate of how long a job runs in a worker, from the run times workers
 * report: it decides whether tiny jobs are queued ahead inside workers (see Pool).
 * It rises at once and falls slowly, because underestimating is the costly mistake:
 * jobs queued ahead behind a long one wait while another worker may idle.
 */
export class RunTimeEstimate {
  readonly #longMs: number;
  /** -1 until the first result. */
  #ms = -1;
  /** #ms comes from first runs only. */
  #cold = false;

  /** `longMs`: a job this long or longer is long; above the estimate, it replaces it at once. */
  constructor(longMs: number) {
    this.#longMs = longMs;
  }

  /** Milliseconds a job is expected to run; -1 before any result. */
  get ms(): number {
    return this.#ms;
  }

  /** A job ran `runMs`; `firstRun`: its task's first run in that worker, compiling included. */
  add(runMs: number, firstRun: boolean): void {
    if (firstRun && runMs < this.#longMs) {
      // A short first run made a tiny task look long for dozens of results: it stands in
      // only until the first warm run replaces it. A long one counts: compiling does not
      // take a millisecond, and it says the work has changed.
      if (this.#ms < 0) {
        this.#ms = runMs;
        this.#cold = true;
      }
    } else if (this.#ms < 0 || this.#cold) {
      this.#ms = runMs;
      this.#cold = false;
    } else if (runMs >= this.#longMs && runMs > this.#ms) {
      // Up at once: blended in at 10%, a 6 ms job after tiny ones left the estimate at
      // 0.6 ms, and 2 more long jobs went into the busy worker.
      this.#ms = runMs;
    } else {
      // Down slowly: reading ahead resumes about 7 tiny results after a 2 ms one.
      this.#ms = this.#ms * 0.9 + runMs * 0.1;
    }
  }
}
