import { scanTaskModule } from '../errors/error-classes.ts';
import { DataCloneError } from '../errors/errors.ts';
import { type Job, JobMode } from '../job/job.ts';
import type { JobQueue } from '../job/job-queue.ts';
import { packNumbers } from '../runtime/number-pack.ts';
import { forEachDef, jobRef, oneJob, pushJob } from '../runtime/protocol.ts';
import type { RuntimeName, WireRoute } from '../runtime/wire.ts';
import { needsWire, wire as wireValue } from '../runtime/wire-walk.ts';
import type { AnyTask } from '../task/task.ts';
import type { Movable } from '../transfer/transfer-marks.ts';
import { describeCloneFailure } from './clone-check.ts';
import type { PoolCallbacks } from './pool-callbacks.ts';
import type { WorkerSlot } from './worker-slot.ts';

/** How a job's payload is named in an error about a value that cannot travel. */
const PAYLOAD_NAME = ['args', 'map items', 'starmap items'] as const;

/**
 * Takes jobs off the pool's queue and sends them to a worker, several per message,
 * with the definitions of tasks that worker has not seen. A job whose arguments cannot
 * be serialized fails alone; the others in its batch still go.
 */
export class JobSender {
  readonly #runtime: RuntimeName;
  readonly #queue: JobQueue;
  readonly #callbacks: PoolCallbacks;
  readonly #maxTasks: number;
  readonly #taskRefs = new Map<AnyTask, number>();
  #nextRef = 1;

  constructor(runtime: RuntimeName, queue: JobQueue, callbacks: PoolCallbacks, maxTasks: number) {
    this.#runtime = runtime;
    this.#queue = queue;
    this.#callbacks = callbacks;
    this.#maxTasks = maxTasks;
  }

  /**
   * Sends queued jobs to `slot` until it has `window` in flight (or has been sent
   * maxTasksPerWorker in all). Returns true if a batch failed to serialize and was sent
   * one by one, after which the caller should dispatch again.
   */
  fill(slot: WorkerSlot, window: number): boolean {
    const batch: Job[] = [];
    const wire: unknown[] = [];
    let defs: unknown[] | undefined;
    const route: WireRoute = { runtime: this.#runtime, toParent: false };
    let moved: Movable[] | undefined;
    const maxTasks = this.#maxTasks;
    while (slot.inflightCount + batch.length < window && slot.sent + batch.length < maxTasks) {
      const job = this.#queue.shift();
      if (job === undefined) break;
      let payload: unknown;
      let wired: boolean;
      try {
        // Both read the values: a getter or a Proxy trap of the caller's may throw here.
        payload = job.mode === JobMode.MapChunk ? packNumbers(job.payload) : job.payload;
        wired = payload === job.payload && needsWire(job.payload);
      } catch (error) {
        this.#callbacks.started(job);
        this.#callbacks.rejected(job, this.#cloneError(job, error));
        continue;
      }
      if (wired) {
        try {
          payload = wireValue(job.payload, route, PAYLOAD_NAME[job.mode]);
        } catch (error) {
          this.#callbacks.started(job);
          this.#callbacks.rejected(job, error);
          continue;
        }
      }
      const ref = this.#refFor(job.task);
      if (!slot.knows(ref)) {
        slot.learn(ref);
        defs ??= [];
        defs.push(ref, job.task.moduleUrl, job.task.taskName);
      }
      if (job.transfer !== undefined) (moved ??= []).push(...job.transfer);
      batch.push(job);
      pushJob(wire, job.id, ref, job.mode, payload);
    }
    if (batch.length === 0) return false;
    try {
      slot.handle.send(defs === undefined ? { j: wire } : { d: defs, j: wire }, moved);
    } catch (error) {
      if (defs !== undefined) forEachDef(defs, (ref) => slot.unlearn(ref));
      this.#sendOneByOne(slot, batch, wire, error);
      return true;
    }
    for (const job of batch) this.#track(slot, job);
    return false;
  }

  #refFor(task: AnyTask): number {
    let ref = this.#taskRefs.get(task);
    if (ref === undefined) {
      ref = this.#nextRef++;
      this.#taskRefs.set(task, ref);
      scanTaskModule(task.moduleUrl);
    }
    return ref;
  }

  #track(slot: WorkerSlot, job: Job): void {
    slot.track(job, this.#maxTasks);
    this.#callbacks.started(job);
  }

  // A batch failed to serialize: find the job(s) at fault and send the rest.
  #sendOneByOne(slot: WorkerSlot, batch: Job[], wire: unknown[], batchError: unknown): void {
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i]!;
      const ref = jobRef(wire, i);
      const defs = slot.knows(ref) ? undefined : [ref, job.task.moduleUrl, job.task.taskName];
      const one = oneJob(wire, i);
      try {
        slot.handle.send(defs === undefined ? { j: one } : { d: defs, j: one }, job.transfer);
        slot.learn(ref);
        this.#track(slot, job);
      } catch (error) {
        this.#callbacks.started(job);
        this.#callbacks.rejected(job, this.#cloneError(job, error ?? batchError));
      }
    }
  }

  /** The error of a job whose values cannot be sent; describing them may throw too. */
  #cloneError(job: Job, error: unknown): DataCloneError {
    let message: string;
    try {
      message = describeCloneFailure(job, this.#runtime, error);
    } catch {
      message = `The arguments of task \`${job.task.taskName}\` cannot be sent to a ${this.#runtime} worker: reading them threw (a getter or a Proxy trap). Send plain data.`;
    }
    return new DataCloneError(message, { cause: error });
  }
}
