import { type Job, JobMode } from '../job/job.ts';
import type { CallSites } from '../options/call-sites.ts';
import { invalid } from '../options/validate.ts';
import type { AnyTask } from '../task/task.ts';

/** 'auto' records call sites for tasks whose calls average at least this long. */
const CALL_SITE_MIN_RUN_MS = 0.05;
/** 'auto' records call sites for this many calls of a task before any has finished. */
const CALL_SITES_BEFORE_MEASURED = 64;
/** 'auto' records call sites for a task whose first runs alone (compile included) took this long. */
const CALL_SITE_MIN_COLD_RUN_MS = 1;

export function checkCallSites(value: unknown): CallSites {
  if (value !== true && value !== false && value !== 'auto')
    throw invalid('callSites', "true, false or 'auto'", value);
  return value;
}

/** Appends the submit site to an error that came back from a task, so its stack shows both ends. */
export function appendCallSite(error: unknown, callSite: { stack?: string } | undefined): void {
  if (callSite?.stack === undefined) return;
  // In-process, this is the task's own error: its getters and Proxy traps may throw,
  // and an exception here would leave the future pending for ever.
  try {
    if (!(error instanceof Error) || typeof error.stack !== 'string') return;
    const lines = callSite.stack.split('\n').slice(1);
    if (lines.length > 0) error.stack += `\n    at [concur submit]\n${lines.join('\n')}`;
  } catch {
    // Left as the task threw it.
  }
}

/**
 * Which submits capture their call site (the `callSites` option), from each task's
 * run times. Capturing a stack costs about 5 us (measured: more than the whole round
 * trip of a tiny task), so 'auto' does it only where it costs under a tenth of the task.
 */
export class CallSitePolicy {
  readonly #setting: CallSites;
  /** Moving average of each task's run time. */
  readonly #taskRunMs = new WeakMap<AnyTask, number>();
  /** Run times of tasks' first runs in a worker, which include compiling them. */
  readonly #coldRunMs = new WeakMap<AnyTask, number>();
  /** Calls submitted before the task's first result. */
  readonly #unmeasured = new WeakMap<AnyTask, number>();

  constructor(setting: unknown = 'auto') {
    this.#setting = checkCallSites(setting);
  }

  /** Takes a finished job's run time into its task's average (calls only: chunks hold many). */
  measured(job: Job, ranMs: number): void {
    if (job.mode !== JobMode.Call) return;
    const times = job.firstRun ? this.#coldRunMs : this.#taskRunMs;
    const old = times.get(job.task);
    times.set(job.task, old === undefined ? ranMs : old * 0.9 + ranMs * 0.1);
  }

  /** The stack above `entry` (the public method called), if this call of `task` should keep it. */
  capture(task: AnyTask, entry: Function): { stack?: string } | undefined {
    if (!this.#shouldRecord(task)) return undefined;
    const callSite: { stack?: string } = {};
    Error.captureStackTrace(callSite, entry);
    return callSite;
  }

  #shouldRecord(task: AnyTask): boolean {
    if (this.#setting !== 'auto') return this.#setting;
    const avg = this.#taskRunMs.get(task);
    if (avg !== undefined) return avg >= CALL_SITE_MIN_RUN_MS;
    // Only first runs so far: compiling took `x => x + 1` 0.12 ms, so only a first run
    // well past that says the task itself is long.
    const cold = this.#coldRunMs.get(task);
    if (cold !== undefined) return cold >= CALL_SITE_MIN_COLD_RUN_MS;
    const count = this.#unmeasured.get(task) ?? 0;
    this.#unmeasured.set(task, count + 1);
    return count < CALL_SITES_BEFORE_MEASURED;
  }
}
