export { ConcurError } from './errors/concur-error.ts';
export type { WorkerCrashDetails } from './errors/errors.ts';
export {
  AbortError,
  CancelledError,
  DataCloneError,
  ExecutorShutdownError,
  InvalidArgumentError,
  InvalidTaskError,
  QueueFullError,
  TaskNotFoundError,
  TimeoutError,
  WorkerCrashedError,
} from './errors/errors.ts';
export type { AsyncExecutorOptions } from './executors/async-executor.ts';
export { AsyncExecutor } from './executors/async-executor.ts';
export type { CallSites } from './executors/base-executor.ts';
export type {
  CallOptions,
  Executor,
  ExecutorKind,
  ExecutorStats,
  MapInput,
  MapOptions,
  ShutdownOptions,
  TimingPercentiles,
} from './executors/executor.ts';
export { ProcessPoolExecutor } from './executors/process-pool-executor.ts';
export type { SequentialExecutorOptions } from './executors/sequential-executor.ts';
export { SequentialExecutor } from './executors/sequential-executor.ts';
export { ThreadPoolExecutor } from './executors/thread-pool-executor.ts';
export type { AsCompletedOptions } from './future/as-completed.ts';
export { asCompleted } from './future/as-completed.ts';
export type { FutureState } from './future/future.ts';
export { Future } from './future/future.ts';
export type { ReturnWhen, WaitOptions, WaitResult } from './future/wait.ts';
export { wait } from './future/wait.ts';
export type { PoolOptions, ProcessPoolOptions, ThreadPoolOptions } from './pool/pool-options.ts';
export { inWorker } from './task/in-worker.ts';
export type { Task, TaskArgs, TaskFunction, TaskResult } from './task/task.ts';
export { isTask, task } from './task/task.ts';
export type { TaskContext } from './task/task-context.ts';
