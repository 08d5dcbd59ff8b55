export { ConcurError } from './errors/concur-error.ts';
export type { ErrorClass } from './errors/error-classes.ts';
export type { WorkerCrashDetails } from './errors/errors.ts';
export {
  AbortError,
  CancelledError,
  DataCloneError,
  ExecutorShutdownError,
  InvalidArgumentError,
  InvalidTaskError,
  ProgramRerunError,
  QueueBackendError,
  QueueFullError,
  TaskNotFoundError,
  TimeoutError,
  TransferError,
  WorkerCrashedError,
  WorkerEntryNotFoundError,
} from './errors/errors.ts';
export {
  AbandonedMutexError,
  BlockingCallError,
  BrokenBarrierError,
  LockNotHeldError,
  QueueShutDownError,
  QueueTaskDoneError,
  SemaphoreOverReleaseError,
} from './errors/sync-errors.ts';
export type { AsyncExecutorOptions } from './executors/async-executor.ts';
export { AsyncExecutor } from './executors/async-executor.ts';
export type {
  CallOptions,
  Executor,
  ExecutorKind,
  ExecutorStats,
  ShutdownOptions,
  TimingPercentiles,
} from './executors/executor.ts';
export { ProcessPoolExecutor } from './executors/process-pool-executor.ts';
export type { SequentialExecutorOptions } from './executors/sequential-executor.ts';
export { SequentialExecutor } from './executors/sequential-executor.ts';
export { ThreadPoolExecutor } from './executors/thread-pool-executor.ts';
export type { AsCompletedOptions, SettledFuture, SettledFutures } from './future/as-completed.ts';
export { asCompleted } from './future/as-completed.ts';
export type { FutureState } from './future/future.ts';
export { Future } from './future/future.ts';
export type { ReturnWhen, WaitOptions, WaitResult } from './future/wait.ts';
export { wait } from './future/wait.ts';
export type { MapInput, MapOptions } from './map/map-options.ts';
export type { CallSites } from './options/call-sites.ts';
export type { PoolOptions, ProcessPoolOptions, ThreadPoolOptions } from './pool/pool-options.ts';
export type { NumericArray } from './shared/shared-array.ts';
export { isShared, sharedArray } from './shared/shared-array.ts';
export { AsyncBarrier } from './sync/async/barrier.ts';
export { AsyncCondition } from './sync/async/condition.ts';
export { AsyncEvent } from './sync/async/event.ts';
export { AsyncLifoQueue } from './sync/async/lifo-queue.ts';
export { AsyncLock } from './sync/async/lock.ts';
// Synchronization: each name says its level (Async = coroutines on one event loop,
// Thread = worker threads over SharedArrayBuffer, Process = child processes via the parent).
export type { AsyncPriorityQueueOptions } from './sync/async/priority-queue.ts';
export { AsyncPriorityQueue } from './sync/async/priority-queue.ts';
export type { AsyncQueueOptions, QueueShutdownOptions, TryGetResult } from './sync/async/queue.ts';
export { AsyncQueue } from './sync/async/queue.ts';
export { AsyncBoundedSemaphore, AsyncSemaphore } from './sync/async/semaphore.ts';
export { ProcessLock } from './sync/process/process-lock.ts';
export type { ProcessPrimitiveOptions } from './sync/process/process-primitive.ts';
export { ProcessSemaphore } from './sync/process/process-semaphore.ts';
export { ReleaseHandle } from './sync/release-handle.ts';
export { ThreadAtomicCounter } from './sync/thread/atomic-counter.ts';
export { ThreadBarrier } from './sync/thread/barrier.ts';
export { ThreadEvent } from './sync/thread/event.ts';
export type { BlockingWaitOptions, ThreadMutexOptions } from './sync/thread/mutex.ts';
export { ThreadMutex } from './sync/thread/mutex.ts';
export { ThreadSemaphore } from './sync/thread/semaphore.ts';
export type { SyncWaitOptions } from './sync/wait-options.ts';
export { inWorker } from './task/in-worker.ts';
export { registerErrorClass } from './task/register-error-class.ts';
export type { Task, TaskArgs, TaskFunction, TaskResult } from './task/task.ts';
export { isTask, task } from './task/task.ts';
export type { TaskContext } from './task/task-context.ts';
export type { TransferableValue } from './transfer/transfer.ts';
export { transfer } from './transfer/transfer.ts';
