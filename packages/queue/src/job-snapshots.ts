import type { RedisClient } from './redis-client.ts';

/**
 * What the re-check needs of a job, read from its hash alone. `settled`: it went to
 * the completed or failed set (BullMQ writes finishedOn only then, in the same script);
 * `started`: a worker took it at least once; `missing`: the hash is gone.
 */
export type JobSnapshot =
  | { readonly state: 'missing' | 'waiting' | 'started' }
  | { readonly state: 'completed'; readonly returnvalue: unknown }
  | { readonly state: 'failed'; readonly stacktrace: string[]; readonly failedReason: string };

/** Fields of a BullMQ job hash read per job: `timestamp` is set from the add on. */
const FIELDS = [
  'timestamp',
  'processedOn',
  'finishedOn',
  'returnvalue',
  'failedReason',
  'stacktrace',
] as const;

/** The key of job `id`'s hash: BullMQ keeps every job in `<prefix>:<queue>:<id>`. */
export function jobKey(prefix: string, queue: string, id: string): string {
  return `${prefix}:${queue}:${id}`;
}

/**
 * One HMGET per job, sent as one pipeline: a cost linear in the number of jobs, where
 * BullMQ's getJobState() scans the wait and active lists with LPOS for each job
 * (quadratic in a backlog: 1.57 million LPOS for 50,000 jobs, Redis saturated).
 * On a cluster the prefix's hash tag keeps every job key in one slot, as a pipeline needs.
 */
export async function readJobSnapshots(
  client: RedisClient,
  prefix: string,
  queue: string,
  ids: readonly string[],
): Promise<JobSnapshot[]> {
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmget(jobKey(prefix, queue, id), ...FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => {
    const [error, fields] = replies[i] ?? [new Error('no reply'), null];
    if (error) throw error;
    return snapshot(fields as (string | null)[]);
  });
}

function snapshot([timestamp, processedOn, finishedOn, returnvalue, failedReason, stacktrace]: (
  | string
  | null
)[]): JobSnapshot {
  if (finishedOn != null) {
    // A concur worker always returns an object, so a completed job always has a returnvalue.
    if (returnvalue != null) return { state: 'completed', returnvalue: parse(returnvalue) };
    return {
      state: 'failed',
      stacktrace: traces(stacktrace ?? null),
      failedReason: failedReason ?? '',
    };
  }
  if (processedOn != null) return { state: 'started' };
  return { state: timestamp == null ? 'missing' : 'waiting' };
}

/** As BullMQ's Job reads it: JSON, or undefined when corrupt. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** As BullMQ's Job reads it: a JSON array of strings, or none. */
function traces(text: string | null): string[] {
  if (text === null) return [];
  const value = parse(text);
  return Array.isArray(value) ? (value as string[]) : [];
}
