// The `concur/backend` entry: what a package that adds an executor backend (concur-queue
// is one) builds on. It is public and semver-covered like `concur`, but meant for backend
// authors, not for programs: applications import from `concur`.
export { registerModuleErrorClasses, scanTaskModule } from './errors/error-classes.ts';
export type {
  DecodeOptions,
  EncodedError,
  EncodedThrown,
  EncodeOptions,
  ErrorEncoding,
} from './errors/error-codec.ts';
export { decodeError, encodeError, isEncodedError } from './errors/error-codec.ts';
export { thrownText } from './errors/thrown-value.ts';
export { BaseExecutor } from './executors/base-executor.ts';
export { startTasksAtOnce } from './executors/in-process-executor.ts';
export type { JobSink } from './job/job.ts';
export { ChunkFailure, Job, JobMode, JobState } from './job/job.ts';
export {
  checkInteger,
  checkKnownKeys,
  checkLimit,
  checkNonNegative,
  checkObject,
  checkOneOf,
  describeValue,
  invalid,
} from './options/validate.ts';
export { deserializeOwnBytes } from './runtime/own-bytes.ts';
export type { AnyTask } from './task/task.ts';
export { displayPath, notExportedError } from './task/task-export.ts';
