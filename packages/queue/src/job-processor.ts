import { type Job as BullJob, WaitingError } from 'bullmq';
import { AbortError, CancelledError } from 'concur';
import type { AnyTask, EncodeOptions } from 'concur/backend';
import { toBullError } from './error-codec.ts';
import { type CheckedJob, checkJob } from './job-check.ts';
import type { JobCodec } from './job-codec.ts';
import type { QueueJobResult } from './job-data.ts';
import { ChunkRunError, FinalJobError, type JobRunner } from './job-runner.ts';
import { goneAfterMs, START_ANSWER_MS, type StartRequests } from './start-requests.ts';
import { SHORT_JOB_MS, type SlotWait, WorkerSlots } from './worker-slots.ts';
import type { WorkerTasks } from './worker-tasks.ts';

/** Job ids of recent abort requests kept, for jobs not yet started here. */
const ABORTS_REMEMBERED = 10_000;

/** Job counts of a queue worker, from `stats()`. */
export interface QueueWorkerStats {
  /** Jobs that fulfilled. */
  completed: number;
  /** Jobs that failed (after their retries). */
  failed: number;
  /** Jobs running now. */
  running: number;
  /** Jobs this worker holds, cleared to start, that wait for a free slot. */
  waiting: number;
}

/** A job this worker holds: BullMQ needs its token to hand it back. */
export interface ActiveJob {
  readonly job: BullJob;
  readonly token: string | undefined;
}

/**
 * `instanceof` that never throws: a task may throw a revoked Proxy, whose prototype
 * cannot be read, and the job must still fail with it rather than with a TypeError.
 */
function isA<T>(value: unknown, cls: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof cls;
  } catch {
    return false;
  }
}

/**
 * What a queue worker does with each job BullMQ hands it: check every field, look
 * its task up, ask the submitter whether it may start, run it, encode the result.
 * Whatever a job carries, it ends as a result or as an error BullMQ stores.
 */
export class JobProcessor {
  readonly #tasks: WorkerTasks;
  readonly #codec: JobCodec;
  readonly #queue: string;
  readonly #requests: StartRequests;
  readonly #runner: JobRunner;
  /** Error classes a task module exports travel by their module's path under the tasks root. */
  readonly #naming: EncodeOptions;
  readonly #aborted = new Set<string>();
  readonly active = new Map<string, ActiveJob>();
  readonly counts: QueueWorkerStats = { completed: 0, failed: 0, running: 0, waiting: 0 };
  #idleWaiters: (() => void)[] = [];
  #stopping = false;
  /** The slots jobs run on, and how many jobs the worker holds beyond them. */
  readonly slots: WorkerSlots;

  constructor(
    tasks: WorkerTasks,
    codec: JobCodec,
    queue: string,
    requests: StartRequests,
    runner: JobRunner,
    capacity: number,
  ) {
    this.slots = new WorkerSlots(capacity);
    this.#tasks = tasks;
    this.#codec = codec;
    this.#queue = queue;
    this.#requests = requests;
    this.#runner = runner;
    this.#naming = { moduleName: (url) => tasks.moduleName(url) };
  }

  /** BullMQ's processor function. */
  readonly process = async (
    job: BullJob,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<QueueJobResult> => {
    if (this.#stopping) {
      // BullMQ may still hand over a job its blocking fetch brought back after close():
      // it goes back to the queue unstarted, for the next worker.
      await job.moveToWait(token);
      throw new WaitingError('this worker is stopping: the job went back to the queue');
    }
    const id = String(job.id);
    this.active.set(id, { job, token });
    let slot: SlotWait | undefined;
    try {
      const { checked, task } = this.#check(job, id);
      await this.#mayStart(id, checked);
      const waits = this.slots.full;
      if (waits) this.counts.waiting++;
      try {
        slot = await this.slots.take(signal);
      } finally {
        if (waits) this.counts.waiting--;
      }
      if (typeof slot === 'string') {
        // Cleared but not started: back to the queue, where the next worker asks its
        // executor again. The worker is stopping, or its slots stayed busy: another
        // worker may have one free.
        await job.moveToWait(token);
        throw new WaitingError(
          slot === 'stopping'
            ? 'this worker is stopping: the job went back to the queue'
            : `no slot of this worker freed within ${SHORT_JOB_MS} ms: the job went back to the queue`,
        );
      }
      this.counts.running++;
      return await this.#run(task, checked, signal ?? new AbortController().signal);
    } catch (error) {
      if (isA(error, WaitingError)) throw error;
      if (!(isA(error, FinalJobError) && isA(error.cause, CancelledError))) {
        this.counts.failed++;
      }
      throw this.#toBull(error, signal);
    } finally {
      if (typeof slot === 'object') {
        this.counts.running--;
        slot.release();
      }
      this.active.delete(id);
      if (this.active.size === 0) this.#wakeIdle();
    }
  };

  /** An abort request for job `id`: it may arrive before the job reaches this worker. */
  abortRequested(id: string): boolean {
    this.#aborted.add(id);
    if (this.#aborted.size > ABORTS_REMEMBERED) {
      this.#aborted.delete(this.#aborted.values().next().value!);
    }
    return this.active.has(id);
  }

  /** The worker is closing: from now on, jobs handed over go back to the queue unstarted. */
  stop(): void {
    this.#stopping = true;
    this.slots.stop();
  }

  /** Resolves once no job is running here. */
  idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #check(job: BullJob, id: string): { checked: CheckedJob; task: AnyTask } {
    try {
      if (this.#aborted.has(id)) {
        throw new AbortError(
          'The task was cancelled or aborted by its submitter before it started',
        );
      }
      const checked = checkJob(job.data, id, this.#codec, this.#queue);
      return { checked, task: this.#tasks.find(checked.task) };
    } catch (error) {
      throw new FinalJobError(error);
    }
  }

  /** Only the submitting executor knows whether the job was cancelled meanwhile. */
  async #mayStart(id: string, checked: CheckedJob): Promise<void> {
    const answer = await this.#requests.ask(id, checked.from, checked.beat);
    switch (answer) {
      case 'go':
        return;
      case 'no':
        throw new FinalJobError(new CancelledError('The task was cancelled before it started'));
      case 'gone':
        throw new FinalJobError(
          new AbortError(
            `The executor that submitted job ${id} has stopped without shutting down (no sign of life for ${goneAfterMs(checked.beat)} ms), so the job is dropped`,
          ),
        );
      case 'silent':
        throw new FinalJobError(
          new AbortError(
            `The executor that submitted job ${id} is alive but did not answer within ${START_ANSWER_MS} ms, so the job is dropped`,
          ),
        );
      case 'closed':
        throw new AbortError('The worker stopped before the job started');
    }
  }

  async #run(task: AnyTask, checked: CheckedJob, signal: AbortSignal): Promise<QueueJobResult> {
    const began = performance.now();
    let result: unknown;
    try {
      result = await this.#runner.run(task, checked.mode, checked.payload, signal);
    } finally {
      this.slots.ran(performance.now() - began);
    }
    try {
      return { v: this.#codec.encode(result, 'result'), ms: performance.now() - began };
    } catch (error) {
      throw new FinalJobError(error);
    }
  }

  /** The error BullMQ stores: the original inside; final (not retried) when no retry can help. */
  #toBull(error: unknown, signal: AbortSignal | undefined): Error {
    const aborted = signal?.aborted === true;
    if (isA(error, FinalJobError)) return toBullError(error.cause, {}, true, this.#naming);
    if (isA(error, ChunkRunError)) {
      let encoded = '[]';
      try {
        encoded = this.#codec.encode(error.values, 'result');
      } catch {
        // The failure still travels, without the values before it.
      }
      return toBullError(
        error.cause,
        { index: error.values.length, values: encoded },
        aborted,
        this.#naming,
      );
    }
    return toBullError(error, {}, aborted, this.#naming);
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
