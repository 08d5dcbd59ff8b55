import type { JobsOptions } from 'bullmq';
import { ConcurError, DataCloneError } from 'concur';
import { type Job, JobMode, thrownText } from 'concur/backend';
import type { JobCodec } from './job-codec.ts';
import { payloadProblem } from './payload-check.ts';
import type { QueueBackoff, ResolvedQueueOptions } from './queue-options.ts';
import { type TaskIdentity, taskIdentity } from './task-identity.ts';

/** Version of the job format below; a worker refuses jobs of another version. */
export const JOB_FORMAT = 3;

/** What a concur job stores in BullMQ's `data`. */
export interface QueueJobData {
  readonly v: typeof JOB_FORMAT;
  readonly task: TaskIdentity;
  /** JobMode: a call, or a chunk of map / starmap items. */
  readonly mode: JobMode;
  /** Name of the codec that encoded `payload`. */
  readonly codec: string;
  /** The arguments (a call) or the items (a chunk), encoded by the codec. */
  readonly payload: string;
  /** The submitting executor's id: a worker asks it on startChannel() before running the job. */
  readonly from: string;
  /** How often that executor refreshes its aliveKey(), in ms: tells a worker how long a missing key may be a reconnect. */
  readonly beat: number;
}

/** What a worker returns for a concur job (BullMQ's `returnvalue`). */
export interface QueueJobResult {
  /** The result, encoded by the codec. */
  readonly v: string;
  /**
   * Milliseconds the task itself ran on the worker. Map's automatic chunk size is
   * computed from it: the time the executor sees includes the trip through Redis.
   */
  readonly ms: number;
}

/** Extra fields a worker stores with a failed chunk: how far it got. */
export interface ChunkFailureExtra {
  /** Index of the item that failed. */
  readonly index: number;
  /** The values of the items before it, encoded by the codec. */
  readonly values: string;
}

/** BullMQ job name: shows the task in dashboards. */
export function jobName(task: TaskIdentity): string {
  return `${task.module}#${task.name}`;
}

/** Channel on which executors ask workers to abort a running job. */
export function abortChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:concur-abort`;
}

/**
 * Channel on which workers ask the executor `from` whether a job they took may
 * start: the message is `<job id> <reply channel>`, the answer `<job id> 1|0`.
 */
export function startChannel(prefix: string, queue: string, from: string): string {
  return `${prefix}:${queue}:concur-start:${from}`;
}

/** Channel on which one worker process hears the answers to its start requests. */
export function replyChannel(prefix: string, queue: string, worker: string): string {
  return `${prefix}:${queue}:concur-reply:${worker}`;
}

/** Set when executor `from` shuts down: a worker refuses its jobs at once instead of asking. */
export function closedKey(prefix: string, queue: string, from: string): string {
  return `${prefix}:${queue}:concur-closed:${from}`;
}

/**
 * Refreshed by executor `from` every `beat` ms while it runs (it expires after three):
 * a worker holding one of its jobs drops the job once the key has been missing for
 * longer than a reconnect can explain, instead of waiting for an answer that never comes.
 */
export function aliveKey(prefix: string, queue: string, from: string): string {
  return `${prefix}:${queue}:concur-alive:${from}`;
}

/** What a job stores for `job`; throws if its task has no identity or the codec refuses its payload. */
export function encodeJobData(
  job: Job,
  codec: JobCodec,
  tasksRoot: string | undefined,
  from: string,
  beat: number,
): QueueJobData {
  const task = taskIdentity(job.task, tasksRoot);
  // Before the codec: JSON's check would walk a sparse array of length 2^32-2 for minutes.
  const problem = payloadProblem(job.payload, job.mode);
  if (problem !== undefined)
    throw new DataCloneError(`Cannot send this job through Redis: ${problem}`);
  const root = job.mode === JobMode.Call ? 'args' : 'items';
  let payload: unknown;
  try {
    payload = codec.encode(job.payload, root);
  } catch (error) {
    throw error instanceof ConcurError ? error : codecThrew(job.payload, codec, root, error);
  }
  if (typeof payload !== 'string') {
    throw new DataCloneError(
      `The codec \`${codec.name}\` returned ${typeof payload}, not a string`,
    );
  }
  return { v: JOB_FORMAT, task, mode: job.mode, codec: codec.name, payload, from, beat };
}

/**
 * The codec threw something of its own (a getter or a Proxy trap in a value it read, a
 * user codec's refusal): the error names the first value it throws on, as `args[i]`.
 */
function codecThrew(
  payload: readonly unknown[],
  codec: JobCodec,
  root: string,
  error: unknown,
): DataCloneError {
  let where = `\`${root}\``;
  let cause = error;
  for (let i = 0; i < payload.length; i++) {
    try {
      codec.encode([payload[i]], root);
    } catch (itemError) {
      where = `\`${root}[${i}]\``;
      cause = itemError;
      break;
    }
  }
  return new DataCloneError(
    `Cannot send ${where} through Redis: the codec \`${codec.name}\` threw on it: ${thrownText(cause)}. ` +
      'Send plain data (no getters or Proxies that throw when read)',
    { cause },
  );
}

/** BullMQ options of a job: its id, attempts and backoff, and when Redis forgets it. */
export function jobOptions(
  id: string,
  attempts: number,
  backoff: QueueBackoff,
  options: Pick<ResolvedQueueOptions, 'removeCompletedAfterMs' | 'removeFailedAfterMs'>,
): JobsOptions {
  const opts: JobsOptions = {
    jobId: id,
    attempts,
    removeOnComplete: { age: Math.ceil(options.removeCompletedAfterMs / 1000) },
    removeOnFail: { age: Math.ceil(options.removeFailedAfterMs / 1000) },
  };
  if (attempts > 1) opts.backoff = { type: backoff.type, delay: backoff.delayMs };
  return opts;
}
