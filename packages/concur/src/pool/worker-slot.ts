import type { Job } from '../job/job.ts';
import type { WorkerHandle } from '../runtime/runtime.ts';

/** The pool's bookkeeping for one worker. */
export class WorkerSlot {
  handle!: WorkerHandle;
  /** The initializer has run; jobs may be sent. */
  ready = false;
  /** Jobs sent and not yet answered, by id. */
  readonly inflight = new Map<number, Job>();
  /** Position of each job sent, in send order (compared with handle.startedCount() after a crash). */
  readonly sendOrder = new Map<Job, number>();
  /** Jobs sent so far. */
  sent = 0;
  /** Task refs this worker has been told about. */
  readonly knownRefs = new Set<number>();
  /** Takes no more work; stops once its in-flight jobs are answered. */
  retiring = false;
  /** We asked it to stop, or killed it: its exit is not a crash of its own. */
  stopping = false;
  /** Why we killed it (an aborted or timed-out job), for the jobs that die with it. */
  killReason: Error | undefined = undefined;
  /** Uncaught error it reported before exiting. */
  lastError: unknown = undefined;
  idleTimer: NodeJS.Timeout | undefined = undefined;
  /** Handles start referenced; the pool unrefs them at once (see Pool#keepAlive). */
  referenced = true;

  ref(): void {
    if (!this.referenced) {
      this.referenced = true;
      this.handle.ref();
    }
  }

  unref(): void {
    if (this.referenced) {
      this.referenced = false;
      this.handle.unref();
    }
  }
}
