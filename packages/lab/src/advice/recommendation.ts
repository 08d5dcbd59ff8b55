import type { TaskModel } from '../experiments/models.ts';
import type { RunRecord } from '../experiments/run-record.ts';
import { formatBytes } from '../render/format.ts';
import type { Candidate } from './candidate.ts';
import type { TaskProfile } from './task-profile.ts';

/** The advice's answer, as `--json` prints it. */
export interface Recommendation {
  model: TaskModel;
  workers: number | null;
  concurrencyPerWorker: number;
  chunksize: number | 'auto';
  /** async: the cap on calls at once (null: none). */
  limit: number | null;
  predictedSeconds: number | null;
  /** null when it was not run in full (it would not fit the budget). */
  measuredSeconds: number | null;
  /** Over sequential: measured, or estimated from the sample when sequential was not run. */
  speedup: number | null;
  /** One line: what the task is like, the choice and its margin over the next best. */
  why: string;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.max(0.1, ms * 1000).toFixed(ms < 0.01 ? 1 : 0)} µs`;
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** What kind of task the sample showed, in a few words. */
export function describeTask(p: TaskProfile): string {
  const serial = p.wallMs > 0 ? p.serialMs / p.wallMs : 1;
  const cpu = p.wallMs > 0 ? p.cpuMs / p.wallMs : 1;
  if (p.wallMs < 0.05) return 'Tiny calls';
  if (serial >= 0.8) return cpu >= 0.15 ? 'CPU-bound' : 'Blocks its thread while it waits';
  if (serial <= 0.2) return `Waits ${Math.round((1 - serial) * 100)}% of each call`;
  return `Computes ${Math.round(serial * 100)}% and waits ${Math.round((1 - serial) * 100)}% of each call`;
}

/** "thread x2, 16 calls at once per worker, chunksize auto" and the like. */
export function describeChoice(c: Candidate): string {
  if (c.model === 'sequential') return 'sequential (no executor pays off)';
  if (c.model === 'async')
    return c.limit === null ? 'async (AsyncExecutor, no limit)' : `async (limit ${c.limit})`;
  const parts = [`${c.model} x${c.workers}`];
  if (c.concurrencyPerWorker > 1) parts.push(`concurrencyPerWorker ${c.concurrencyPerWorker}`);
  parts.push(`chunksize ${c.chunksize}`);
  return parts.join(', ');
}

const modelName = (r: RunRecord): string => r.label.replace(/ chunk \S+$/, '');

/** The runner-up sentence: how much slower the next best (another model if one ran) was. */
function margin(chosen: RunRecord, runs: readonly RunRecord[]): string {
  const others = runs.filter((r) => r !== chosen).sort((a, b) => a.seconds - b.seconds);
  const next = others.find((r) => r.model !== chosen.model) ?? others[0];
  if (next === undefined) return '';
  const slower = Math.round((next.seconds / chosen.seconds - 1) * 100);
  const memory =
    chosen.peakRssBytes > 0 && next.peakRssBytes > chosen.peakRssBytes * 1.3
      ? ` and used ${(next.peakRssBytes / chosen.peakRssBytes).toFixed(1)}x the memory`
      : '';
  return `; ${modelName(next)} was ${slower}% slower${memory}`;
}

export function recommend(
  chosen: Candidate,
  predictedSeconds: number | null,
  record: RunRecord | undefined,
  runs: readonly RunRecord[],
  profile: TaskProfile,
  sequentialSeconds: number,
): Recommendation {
  const seconds = record?.seconds ?? predictedSeconds;
  const speedup = seconds === null || seconds <= 0 ? null : sequentialSeconds / seconds;
  const size =
    profile.argBytes + profile.resultBytes > 64 * 1024
      ? `, ${formatBytes(profile.argBytes + profile.resultBytes)} sent per call`
      : '';
  const head = `${describeTask(profile)}, ${formatMs(profile.wallMs)} a call${size}, ${profile.items} calls, ${profile.cores} cores`;
  const result =
    speedup === null
      ? ''
      : `, ${speedup.toFixed(2)}x${record === undefined ? ' (predicted, not run)' : ''}`;
  return {
    model: chosen.model,
    workers: chosen.workers,
    concurrencyPerWorker: chosen.concurrencyPerWorker,
    chunksize: chosen.chunksize,
    limit: chosen.limit,
    predictedSeconds,
    measuredSeconds: record?.seconds ?? null,
    speedup,
    why: `${head}: ${describeChoice(chosen)}${result}${record === undefined ? '' : margin(record, runs)}`,
  };
}
