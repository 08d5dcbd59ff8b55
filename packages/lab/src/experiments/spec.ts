import type { CpuModel, IoModel, TaskModel } from './models.ts';
import type { ProbeOutcome } from './probe-outcome.ts';

/** What a measured child process is asked to run. */
export type ExperimentSpec = CpuSpec | IoSpec | TaskSpec | ProbeSpec;

export interface CpuSpec {
  kind: 'cpu';
  model: CpuModel;
  workers: number;
  batches: number;
  size: number;
  lookups: number;
  seed: number;
  share: boolean;
}

export interface IoSpec {
  kind: 'io';
  model: IoModel;
  workers: number;
  atOnce: number;
  concurrencyPerWorker: number;
  urls: string[];
}

export interface TaskSpec {
  kind: 'task';
  model: TaskModel;
  workers: number;
  chunksize: number | 'auto';
  /** Pools: calls at once inside each worker. */
  concurrencyPerWorker: number;
  /** async: AsyncExecutor's cap on calls at once; null for none. */
  limit: number | null;
  /** Absolute path of the module that exports the task. */
  modulePath: string;
  exportName: string;
  inputsPath: string;
}

export interface CpuOutcome {
  /** Lookups found, summed over batches: the same under every model. */
  count: number;
  /** Milliseconds per tiny task on the same kind of executor, measured after the timed run. */
  taskCostMs?: number;
}

export interface IoOutcome {
  downloads: number;
  bytes: number;
  errors: number;
  /** A few distinct error messages, for the reader. */
  errorSamples: string[];
}

/** The advice's sample: a few calls of the user's task, measured in one process. */
export interface ProbeSpec {
  kind: 'probe';
  modulePath: string;
  exportName: string;
  inputsPath: string;
  /** Wall-clock seconds the sample may take (it stops adding calls past it). */
  seconds: number;
  /** Which pools to time (start-up and cost per call). */
  pools: ('thread' | 'process')[];
}

export interface TaskOutcome {
  items: number;
  /** SHA-256 of the results' JSON, to check every model computed the same thing. */
  digest: string;
  /** Calls that threw; their results are the error messages. */
  errors: number;
  /** The first error's message. */
  firstError: string | null;
}

export type ExperimentOutcome = CpuOutcome | IoOutcome | TaskOutcome | ProbeOutcome;

/** An experiment once its data (and any service it needs) is ready. */
export interface PreparedRun<O extends ExperimentOutcome = ExperimentOutcome> {
  /** The timed part. */
  run(): Promise<O>;
  /** After the timed part: measurements that must not count in its seconds. */
  probe?(outcome: O): Promise<O>;
  /** Stops what preparing started; called after a failed run too. */
  close?(): Promise<void>;
}

/** Messages from the measured child. */
export type ChildMessage =
  /** Data ready and services started: the timed part begins. */
  | { type: 'prepared' }
  | { type: 'progress'; done: number; total: number }
  | {
      type: 'result';
      outcome: ExperimentOutcome;
      seconds: number;
      cpuSeconds: number;
      maxRssBytes: number;
    }
  /** `code` is LabInputError's when the user's module or inputs cannot be used. */
  | { type: 'error'; message: string; code?: string };
