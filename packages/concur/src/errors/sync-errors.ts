import { ConcurError } from './concur-error.ts';

/** `release()` was called on a lock or mutex that is not held (or not held by the caller, for thread and process locks). */
export class LockNotHeldError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_LOCK_NOT_HELD';
}

/** A bounded semaphore was released more times than it was acquired. */
export class SemaphoreOverReleaseError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_SEMAPHORE_OVER_RELEASE';
}

/** The barrier was reset or aborted while the caller was waiting, or is broken (call `reset()`). */
export class BrokenBarrierError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_BROKEN_BARRIER';
}

/** The queue was shut down: `put` always rejects; `get` rejects once the queue is empty (at once after `shutdown({ immediate: true })`). */
export class QueueShutDownError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_QUEUE_SHUT_DOWN';
}

/**
 * The thread or process that held the mutex or lock died without releasing it, so
 * the data it guards may be half-updated. The parent freed the lock when the worker
 * exited; the next acquirer gets this error once (without holding the lock), so it
 * can check or repair the data; later acquires succeed as usual.
 */
export class AbandonedMutexError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_ABANDONED_MUTEX';
  /** Thread id or pid of the worker that died holding it. */
  readonly ownerId: number;
  constructor(message: string, ownerId: number) {
    super(message);
    this.ownerId = ownerId;
  }
}

/** A blocking call (`lock()`, `wait()`) was made on the main thread, where it would freeze the event loop. */
export class BlockingCallError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_BLOCKING_CALL';
}

/** `taskDone()` was called more times than items were put in the queue. */
export class QueueTaskDoneError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_QUEUE_TASK_DONE';
}
