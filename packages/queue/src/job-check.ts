import { DataCloneError, InvalidArgumentError, TaskNotFoundError } from 'concur';
import { JobMode } from 'concur/backend';
import type { JobCodec } from './job-codec.ts';
import { JOB_FORMAT } from './job-data.ts';
import { describeUntrusted, payloadProblem } from './payload-check.ts';

/** What a worker may use of a job, once every field has been checked. */
export interface CheckedJob {
  readonly task: unknown;
  readonly mode: JobMode;
  /** The arguments (a call) or the items (a chunk): dense arrays of checked length. */
  readonly payload: unknown[];
  readonly from: string;
  readonly beat: number;
}

const MODES = new Map<unknown, string>([
  [JobMode.Call, 'call'],
  [JobMode.MapChunk, 'map chunk'],
  [JobMode.StarmapChunk, 'starmap chunk'],
]);

/**
 * Checks a job's `data` as BullMQ hands it over, decodes its payload and checks that
 * too, before anything else happens: a forged or foreign job fails here with a
 * message naming the field, and never reaches the start handshake or a task.
 */
export function checkJob(data: unknown, id: string, codec: JobCodec, queue: string): CheckedJob {
  const at = `Job ${id}: `;
  const job = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (job.v !== JOB_FORMAT) {
    throw new TaskNotFoundError(
      `Job ${id} is not a concur job of format ${JOB_FORMAT}; is another program using queue ${queue}?`,
    );
  }
  if (typeof job.codec !== 'string' || job.codec !== codec.name) {
    throw new DataCloneError(
      `${at}was encoded with codec \`${typeof job.codec === 'string' ? job.codec.slice(0, 100) : describeUntrusted(job.codec)}\`, ` +
        `this worker has \`${codec.name}\`; start the worker with the same codec`,
    );
  }
  const mode = job.mode;
  if (!MODES.has(mode)) {
    throw new InvalidArgumentError(
      `${at}\`mode\` is ${describeUntrusted(mode)}; a concur job's mode is one of ` +
        `${[...MODES].map(([n, what]) => `${n} (${what})`).join(', ')}`,
    );
  }
  if (typeof job.from !== 'string' || job.from === '' || job.from.length > 200) {
    throw new InvalidArgumentError(
      `${at}\`from\` is ${describeUntrusted(job.from)}, not the id of the executor that submitted it`,
    );
  }
  const beat = job.beat;
  if (typeof beat !== 'number' || !Number.isFinite(beat) || beat <= 0) {
    throw new InvalidArgumentError(
      `${at}\`beat\` is ${describeUntrusted(beat)}, not a positive number of milliseconds`,
    );
  }
  if (typeof job.payload !== 'string') {
    throw new DataCloneError(`${at}\`payload\` is ${describeUntrusted(job.payload)}, not a string`);
  }
  let decoded: unknown;
  try {
    decoded = codec.decode(job.payload);
  } catch (error) {
    throw new DataCloneError(
      `${at}\`payload\` could not be decoded by codec \`${codec.name}\`: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
  const problem = payloadProblem(decoded, mode as JobMode);
  if (problem !== undefined) throw new DataCloneError(`${at}${problem}`);
  return {
    task: job.task,
    mode: mode as JobMode,
    payload: decoded as unknown[],
    from: job.from,
    beat,
  };
}
