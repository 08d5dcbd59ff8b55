import type { Job } from '../job/job.ts';
import type { WorkerHandle } from '../runtime/runtime.ts';

/** A worker asked to stop that has not exited after this long is killed. */
const STOP_GRACE_MS = 5_000;
/**
 * A worker killed that has not exited after this long is abandoned (WorkerHandle.abandon):
 * terminate() ends a thread within milliseconds unless it is blocked in a synchronous call.
 */
const KILL_GRACE_MS = 1_000;

const Phase = Object.freeze({ Starting: 0, Ready: 1, Retiring: 2, Stopping: 3 } as const);
type PhaseValue = (typeof Phase)[keyof typeof Phase];

/**
 * The pool's bookkeeping for one worker: its phase (starting, ready, retiring, stopping),
 * the jobs it was sent and has not answered, and the task refs it knows. It counts
 * against maxWorkers from spawn to exit, whatever its phase.
 */
export class WorkerSlot {
  readonly #handle: WorkerHandle;
  #phase: PhaseValue = Phase.Starting;
  #ready = false;
  /** Jobs sent and not yet answered, by id. */
  readonly #inflight = new Map<number, Job>();
  /** Position of each job sent, in send order (compared with handle.startedCount() after a crash). */
  readonly #sendOrder = new Map<Job, number>();
  #sent = 0;
  /** Task refs this worker has been told about. */
  readonly #knownRefs = new Set<number>();
  #killReason: Error | undefined;
  #lastError: unknown;
  #idleTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #killed = false;
  #abandoned = false;
  /** Handles start referenced; the pool unrefs them at once (see Pool's keep-alive timer). */
  #referenced = true;
  readonly #onAbandon: (slot: WorkerSlot) => void;

  /** `spawn` starts the worker; `onAbandon` hears of a worker that outlived kill() by KILL_GRACE_MS. */
  constructor(spawn: (slot: WorkerSlot) => WorkerHandle, onAbandon: (slot: WorkerSlot) => void) {
    this.#onAbandon = onAbandon;
    this.#handle = spawn(this);
    this.unref();
  }

  get handle(): WorkerHandle {
    return this.#handle;
  }

  // ---- phase ---------------------------------------------------------------------------

  /** The initializer has run; jobs may be sent. */
  get ready(): boolean {
    return this.#ready;
  }
  /** Takes new jobs: ready, neither retiring nor stopping. */
  get open(): boolean {
    return this.#phase === Phase.Ready;
  }
  /** We asked it to stop, or killed it: its exit is not a crash of its own. */
  get stopping(): boolean {
    return this.#phase === Phase.Stopping;
  }
  get retiring(): boolean {
    return this.#phase === Phase.Retiring;
  }
  /** Killed, and still not gone after KILL_GRACE_MS: the pool no longer waits for it. */
  get abandoned(): boolean {
    return this.#abandoned;
  }
  /** Why we killed it (an aborted or timed-out job), for the jobs that die with it. */
  get killReason(): Error | undefined {
    return this.#killReason;
  }
  /** Uncaught error it reported before exiting. */
  get lastError(): unknown {
    return this.#lastError;
  }

  markReady(): void {
    this.#ready = true;
    if (this.#phase === Phase.Starting) this.#phase = Phase.Ready;
  }
  noteError(error: unknown): void {
    this.#lastError = error;
  }

  /** Ends the worker now; `reason` is what its other started jobs will be told. */
  kill(reason?: Error): void {
    this.clearIdle();
    if (reason !== undefined && this.#killReason === undefined) this.#killReason = reason;
    this.#phase = Phase.Stopping;
    if (this.#killed) return;
    this.#killed = true;
    this.#handle.kill();
    this.#armGrace(KILL_GRACE_MS, () => this.#abandon());
  }

  /** Asks the worker to finish and exit; kills it if it has not after STOP_GRACE_MS. */
  stop(): void {
    this.clearIdle();
    if (this.#phase === Phase.Stopping) return;
    this.#phase = Phase.Stopping;
    this.#handle.stop();
    this.#armGrace(STOP_GRACE_MS, () => this.kill());
  }

  /** The worker exited: no timer of ours may outlive it. */
  exited(): void {
    this.clearIdle();
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  #armGrace(ms: number, then: () => void): void {
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(then, ms);
    this.#graceTimer.unref();
  }

  #abandon(): void {
    this.#graceTimer = undefined;
    if (this.#abandoned) return;
    this.#abandoned = true;
    this.#referenced = false;
    this.#handle.abandon();
    this.#onAbandon(this);
  }

  // ---- jobs ----------------------------------------------------------------------------

  get inflightCount(): number {
    return this.#inflight.size;
  }
  /** Jobs sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Records a job as sent to this worker; retires the worker once `maxTasks` have gone. */
  track(job: Job, maxTasks: number): void {
    this.clearIdle();
    job.owner = this;
    this.#inflight.set(job.id, job);
    this.#sendOrder.set(job, this.#sent++);
    if (this.#sent >= maxTasks && this.#phase === Phase.Ready) this.#phase = Phase.Retiring;
  }

  /** The job with this id, if it is still unanswered; it is answered from now on. */
  answer(id: number): Job | undefined {
    const job = this.#inflight.get(id);
    if (job !== undefined) this.forget(job);
    return job;
  }

  forget(job: Job): void {
    this.#inflight.delete(job.id);
    this.#sendOrder.delete(job);
  }

  /** Removes and returns the unanswered jobs, in the order they were sent. */
  takeUnanswered(): Job[] {
    const jobs = [...this.#inflight.values()].sort(
      (a, b) => this.#sendOrder.get(a)! - this.#sendOrder.get(b)!,
    );
    this.#inflight.clear();
    return jobs;
  }

  /** Position of `job` among the jobs sent here (-1 if it was not). */
  sendIndex(job: Job): number {
    return this.#sendOrder.get(job) ?? -1;
  }

  knows(ref: number): boolean {
    return this.#knownRefs.has(ref);
  }
  learn(ref: number): void {
    this.#knownRefs.add(ref);
  }
  unlearn(ref: number): void {
    this.#knownRefs.delete(ref);
  }

  // ---- idle timer and refs -------------------------------------------------------------

  get idleArmed(): boolean {
    return this.#idleTimer !== undefined;
  }
  armIdle(ms: number, then: () => void): void {
    this.clearIdle();
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      then();
    }, ms);
    this.#idleTimer.unref();
  }
  clearIdle(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  ref(): void {
    if (!this.#referenced && !this.#abandoned) {
      this.#referenced = true;
      this.#handle.ref();
    }
  }

  unref(): void {
    if (this.#referenced) {
      this.#referenced = false;
      this.#handle.unref();
    }
  }
}
