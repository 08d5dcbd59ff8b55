import { type Job, JobState } from '../job/job.ts';
import { JobQueue } from '../job/job-queue.ts';
import { isThenable, runJob } from '../job/run-job.ts';
import type { CallSites } from '../options/call-sites.ts';
import { isEntryModule } from '../task/entry-module.ts';
import type { AnyTask } from '../task/task.ts';
import { LazyTaskContext } from '../task/task-context.ts';
import { checkExported } from '../task/task-export.ts';
import { dropTransfers, releaseTransfers } from '../transfer/take-transfers.ts';
import { marks } from '../transfer/transfer-marks.ts';
import { BaseExecutor } from './base-executor.ts';

/** Longest stretch of back-to-back synchronous tasks before timers and I/O get a turn. */
const SLICE_MS = 10;

/** Executors whose submitted tasks start in a microtask (see startTasksAtOnce). */
const eager = new WeakSet<InProcessExecutor>();

/**
 * For backends: `executor` starts a task submitted while it has a free slot in a
 * microtask, once the code that submitted it has returned, rather than on the next turn
 * of the event loop, so that I/O callbacks waiting for that turn do not run first (a
 * queue worker measured 1.6 ms from one job's end to the next one's start, 0.3 ms with
 * this). cancel() right after submit() still finds the task queued. Queued tasks that
 * wait for a slot still go through the event loop, and after SLICE_MS of synchronous task
 * code a task waits until due timers have run.
 */
export function startTasksAtOnce(executor: InProcessExecutor): void {
  eager.add(executor);
}

/**
 * Runs tasks on this thread's event loop, at most `concurrency` at a time.
 * A synchronous task blocks the loop while it runs (that is what sequential code
 * does); an async task yields at each await, so up to `concurrency` overlap.
 */
export abstract class InProcessExecutor extends BaseExecutor {
  readonly #concurrency: number;
  readonly #queue = new JobQueue();
  #running = 0;
  #scheduled = false;
  /**
   * startTasksAtOnce only: milliseconds of synchronous task code run since timers last had
   * a turn. Past SLICE_MS the next task waits for them (a queue worker's lock renewals).
   */
  #syncMs = 0;
  #syncReset: NodeJS.Timeout | undefined;
  #idleWaiters: (() => void)[] = [];
  readonly #contexts = new Map<Job, LazyTaskContext>();

  protected constructor(concurrency: number, maxQueue: number, callSites: CallSites | undefined) {
    super(maxQueue, callSites);
    this.#concurrency = concurrency;
  }

  get capacity(): number {
    return this.#concurrency;
  }

  /** Tasks seen returning a promise: their map items must not be chunked when several may overlap. */
  readonly #asyncTasks = new WeakSet<AnyTask>();

  /**
   * Chunks cut the per-item cost of a map over a synchronous task to a plain loop. An
   * async task's items run one after another inside a chunk, so with concurrency above
   * 1 they get a chunk each, to overlap.
   */
  protected override oneItemPerChunk(task: AnyTask): boolean {
    return this.#concurrency > 1 && this.#asyncTasks.has(task);
  }

  // Every task passes through the queue until it is started (see #schedule); those that will
  // take a free slot then are not waiting, so they count neither in stats nor against maxQueue.
  protected get queuedCount(): number {
    return Math.max(0, this.#queue.size - (this.#concurrency - this.#running));
  }
  protected override get hasFreeSlot(): boolean {
    return this.#queue.size < this.#concurrency - this.#running;
  }
  protected get busyWorkers(): number {
    return this.#running;
  }
  protected get liveWorkers(): number {
    return this.#running;
  }

  protected enqueue(job: Job): void {
    this.#queue.push(job);
    if (!eager.has(this)) this.#schedule();
    else this.#schedule(this.#syncMs < SLICE_MS ? 'microtask' : 'timers');
  }

  protected dequeue(_job: Job): void {
    this.#queue.forget();
  }

  protected interrupt(job: Job, reason: Error): void {
    // We cannot stop code running on our own thread: reject now, and tell the task through its signal.
    this.#contexts.get(job)?.abort(reason);
    this.jobRejected(job, reason);
  }

  protected takeQueued(): Job[] {
    return this.#queue.drain();
  }

  protected drained(): Promise<void> {
    if (this.#running === 0 && this.#queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  protected close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Never at once: submit() must return before the task runs, so that cancel() right
   * after submit() still finds it queued. `turn`: the event loop's next turn (the
   * default); `microtask` and `timers` for startTasksAtOnce: in a microtask, or once due
   * timers have run (after a long synchronous task: a setImmediate queued from I/O
   * callbacks would still run before them, and so may a setTimeout 0).
   */
  #schedule(when: 'turn' | 'microtask' | 'timers' = 'turn'): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const pump = () => {
      this.#scheduled = false;
      this.#pump();
    };
    if (when === 'microtask') queueMicrotask(pump);
    // Every timer due by the next timers phase runs in it, before that phase's check
    // phase (ordering among timers follows their start times, which can be stale).
    else if (when === 'timers') setTimeout(() => setImmediate(pump), 0);
    else setImmediate(pump);
  }

  /** startTasksAtOnce: counts synchronous task time until timers have had a turn. */
  #countSync(ms: number): void {
    this.#syncMs += ms;
    this.#syncReset ??= setTimeout(() => {
      this.#syncMs = 0;
      this.#syncReset = undefined;
    }, 0);
    this.#syncReset.unref();
  }

  #pump(): void {
    const sliceEnd = performance.now() + SLICE_MS;
    while (this.#running < this.#concurrency) {
      if (performance.now() > sliceEnd) {
        if (this.#queue.size > 0) this.#schedule();
        return;
      }
      const job = this.#queue.shift();
      if (job === undefined) break;
      this.#run(job);
    }
    this.#checkIdle();
  }

  #run(job: Job): void {
    this.jobStarted(job);
    // Nothing moves within one thread: the task gets the very values, and may mark them again.
    if (job.transfer !== undefined) {
      releaseTransfers(job.transfer);
      job.transfer = undefined;
    }
    this.#running++;
    const exported = checkExported(job.task);
    if (exported instanceof Error) {
      this.#settle(job, false, exported);
    } else if (exported !== true && !isEntryModule(job.task.moduleUrl)) {
      // The module's exports are not known yet: the task runs once they are, as in a worker.
      // Not for the program's own module, which may be awaiting this very task at its top level.
      exported.then((verdict) => {
        if (verdict !== true || job.state !== JobState.Running) this.#settle(job, false, verdict);
        else this.#runChecked(job);
      });
    } else {
      this.#runChecked(job);
    }
  }

  #runChecked(job: Job): void {
    const context = new LazyTaskContext();
    this.#contexts.set(job, context);
    let outcome: unknown;
    const began = eager.has(this) ? performance.now() : undefined;
    try {
      outcome = runJob(job.task, job.mode, job.payload, context);
    } catch (error) {
      this.#settle(job, false, error);
      return;
    } finally {
      if (began !== undefined) this.#countSync(performance.now() - began);
    }
    if (isThenable(outcome)) {
      this.#asyncTasks.add(job.task);
      outcome.then(
        (value) => this.#settle(job, true, value),
        (error) => this.#settle(job, false, error),
      );
    } else {
      this.#settle(job, true, outcome);
    }
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    this.#running--;
    this.#contexts.delete(job);
    if (ok && marks.pending > 0) dropTransfers(value);
    if (ok) this.jobFulfilled(job, value);
    else this.jobRejected(job, value);
    if (this.#queue.size > 0) this.#schedule();
    else this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#running === 0 && this.#queue.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
