import type { Job } from '../job/job.ts';
import { Pool } from '../pool/pool.ts';
import type { ResolvedPoolOptions } from '../pool/pool-options.ts';
import type { RuntimeAdapter } from '../runtime/runtime.ts';
import { rerunRefusal } from '../task/program-rerun.ts';
import { BaseExecutor } from './base-executor.ts';

/** An executor whose scheduler is a pool of workers of one runtime. */
export abstract class PoolExecutor extends BaseExecutor {
  readonly #pool: Pool;
  /** Set when the program re-runs in a worker and created this pool there: its tasks get this error. */
  readonly #refusal: (() => Error) | undefined;

  protected constructor(runtime: RuntimeAdapter, options: ResolvedPoolOptions) {
    super(options.maxQueue, options.callSites);
    this.#refusal = rerunRefusal(
      runtime.name === 'thread' ? 'ThreadPoolExecutor' : 'ProcessPoolExecutor',
    );
    // A refusing pool starts no workers, not even minWorkers: they would re-run the program too.
    const resolved = this.#refusal === undefined ? options : { ...options, minWorkers: 0 };
    this.#pool = new Pool(runtime, resolved, {
      started: (job) => this.jobStarted(job),
      fulfilled: (job, value) => this.jobFulfilled(job, value),
      rejected: (job, error) => this.jobRejected(job, error),
    });
  }

  get capacity(): number {
    return this.#pool.capacity;
  }
  // Tasks about to go to a free worker (dispatch waits for a microtask) are not waiting:
  // they count neither in stats().queued nor against maxQueue.
  protected get queuedCount(): number {
    return Math.max(0, this.#pool.queued - this.#pool.freeCapacity);
  }
  protected override get hasFreeSlot(): boolean {
    return this.#pool.queued < this.#pool.freeCapacity;
  }
  protected get busyWorkers(): number {
    return this.#pool.busyWorkers;
  }
  protected get liveWorkers(): number {
    return this.#pool.liveWorkers;
  }
  protected enqueue(job: Job): void {
    if (this.#refusal !== undefined) this.jobRejected(job, this.#refusal());
    else this.#pool.enqueue(job);
  }
  protected dequeue(job: Job): void {
    this.#pool.dequeue(job);
  }
  protected interrupt(job: Job, reason: Error): void {
    this.#pool.interrupt(job, reason);
  }
  protected takeQueued(): Job[] {
    return this.#pool.takeQueued();
  }
  protected drained(): Promise<void> {
    return this.#pool.drained();
  }
  protected close(force: boolean): Promise<void> {
    return this.#pool.close(force);
  }
}
