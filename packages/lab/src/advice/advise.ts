import { availableParallelism } from 'node:os';
import type { ProbeOutcome } from '../experiments/probe-outcome.ts';
import { RunTimeLimitError, runMeasured } from '../experiments/run-measured.ts';
import { addSpeedups, type RunRecord } from '../experiments/run-record.ts';
import { type Candidate, type CandidateSpace, candidateLabel, candidates } from './candidate.ts';
import { choose, type Skipped } from './choose.ts';
import { type Prediction, predictAll } from './predict.ts';
import { type Recommendation, recommend } from './recommendation.ts';
import {
  type CandidateRun,
  markSameResults,
  runCandidate,
  type TaskSource,
} from './run-candidate.ts';
import { type TaskProfile, taskProfile } from './task-profile.ts';

/** `--budget`'s default, in seconds: a minute answers most tasks with room for three runs. */
export const DEFAULT_BUDGET_SECONDS = 60;
/** Share of the budget the sample may take (at most SAMPLE_MAX_SECONDS). */
const SAMPLE_SHARE = 0.2;
const SAMPLE_MAX_SECONDS = 10;
/**
 * Seconds a measured run costs beyond its own time: a fresh Node (with tsx for a
 * TypeScript task) and the task's import. Measured on the sample's own process.
 */
const MIN_RUN_OVERHEAD_SECONDS = 0.3;

export interface AdviceInput {
  source: TaskSource;
  space: CandidateSpace;
  budgetSeconds: number;
  timeLimitSeconds: number;
  /** Share of a core a reference loop got when the command started (1: idle machine). */
  coreShare?: number;
  progress?: (label: string, fraction: number) => void;
}

export interface Advice {
  /** null only when no candidate could be predicted or run. */
  recommendation: Recommendation | null;
  profile: TaskProfile;
  probe: ProbeOutcome;
  runs: RunRecord[];
  skipped: Skipped[];
  /** Why the results are not the same everywhere, if they are not: said before anything else. */
  disagreement: string | null;
  /** Seconds the whole advice took. */
  seconds: number;
}

/** A recommendation: a sample, predictions, full runs of the candidates that can win. */
export async function advise(input: AdviceInput): Promise<Advice> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const pools = input.space.models.filter(
    (m): m is 'thread' | 'process' => m === 'thread' || m === 'process',
  );
  const sampleSeconds = Math.min(SAMPLE_MAX_SECONDS, input.budgetSeconds * SAMPLE_SHARE);
  input.progress?.('sample', 0);
  const probeRun = await runMeasured<ProbeOutcome>(
    { kind: 'probe', ...input.source, seconds: sampleSeconds, pools },
    {
      timeLimitSeconds: Math.min(input.timeLimitSeconds, input.budgetSeconds),
      what: 'the sample of your task',
    },
  );
  const probe = probeRun.outcome;
  const overhead = Math.max(MIN_RUN_OVERHEAD_SECONDS, elapsed() - probeRun.seconds);
  const profile = taskProfile(probe, availableParallelism(), input.coreShare);
  const predictions = predictAll(candidates(input.space), profile);
  const plan = choose(predictions);
  const skipped = [...plan.skipped];
  const done: { run: CandidateRun; prediction: Prediction }[] = [];
  for (const [i, prediction] of plan.run.entries()) {
    const left = input.budgetSeconds - elapsed();
    const needs = (prediction.seconds ?? 0) * 1.2 + overhead;
    if (needs > left) {
      skipped.push({
        label: prediction.label,
        predictedSeconds: prediction.seconds,
        why: `would pass the --budget of ${input.budgetSeconds} s (${left.toFixed(1)} s left)`,
      });
      continue;
    }
    try {
      const run = await runCandidate(prediction.candidate, input.source, {
        timeLimitSeconds: Math.max(1, Math.min(input.timeLimitSeconds, left)),
        predictedSeconds: prediction.seconds,
        onProgress: (d, t) => input.progress?.(prediction.label, (i + d / t) / plan.run.length),
      });
      done.push({ run, prediction });
    } catch (error) {
      if (!(error instanceof RunTimeLimitError)) throw error;
      skipped.push({
        label: prediction.label,
        predictedSeconds: prediction.seconds,
        why: `stopped at its time limit of ${error.seconds} s`,
      });
    }
  }
  await checkAgainstSequential(done, predictions, input, elapsed, overhead, skipped, profile);
  const differ = markSameResults(done.map((d) => d.run));
  const runs = done.map((d) => d.run.record);
  const sequentialSeconds = (profile.items * profile.wallMs) / 1000;
  addSpeedups(runs, sequentialSeconds);
  const disagreement =
    probe.disagreement ??
    (differ.length > 0
      ? `${differ.join(', ')} returned other results than ${runs[0]?.label}`
      : null);
  const fastest = done.sort((a, b) => a.run.record.seconds - b.run.record.seconds)[0];
  const chosen: { candidate: Candidate; seconds: number | null } | undefined =
    fastest?.prediction ?? predictions.find((p) => p.seconds !== null);
  const recommendation =
    chosen === undefined
      ? null
      : recommend(
          chosen.candidate,
          chosen.seconds,
          fastest?.run.record,
          runs,
          profile,
          runs.find((r) => r.model === 'sequential')?.seconds ?? sequentialSeconds,
        );
  return {
    recommendation,
    profile,
    probe,
    runs,
    skipped,
    disagreement,
    seconds: elapsed(),
  };
}

/**
 * No configuration run beat sequential as the sample predicts it: run sequential too, if
 * the budget allows, so that the answer is never a configuration slower than no executor.
 */
async function checkAgainstSequential(
  done: { run: CandidateRun; prediction: Prediction }[],
  predictions: readonly Prediction[],
  input: AdviceInput,
  elapsed: () => number,
  overhead: number,
  skipped: Skipped[],
  profile: TaskProfile,
): Promise<void> {
  const sequential = predictions.find((p) => p.candidate.model === 'sequential');
  if (sequential === undefined || sequential.seconds === null) return;
  if (done.some((d) => d.prediction === sequential)) return;
  const estimate = (profile.items * profile.wallMs) / 1000;
  if (done.length === 0 || done.some((d) => d.run.record.seconds < estimate)) return;
  const left = input.budgetSeconds - elapsed();
  if (estimate * 1.2 + overhead > left) return;
  try {
    const run = await runCandidate(sequential.candidate, input.source, {
      timeLimitSeconds: Math.max(1, Math.min(input.timeLimitSeconds, left)),
      predictedSeconds: sequential.seconds,
    });
    done.push({ run, prediction: sequential });
    const at = skipped.findIndex((s) => s.label === sequential.label);
    if (at !== -1) skipped.splice(at, 1);
  } catch (error) {
    if (!(error instanceof RunTimeLimitError)) throw error;
  }
}

/** `--sweep`: every candidate in full, in order, each within its time limit. */
export async function sweep(
  input: Omit<AdviceInput, 'budgetSeconds'>,
): Promise<{ runs: RunRecord[]; disagreement: string | null; seconds: number }> {
  const started = performance.now();
  const list = candidates(input.space);
  const done: CandidateRun[] = [];
  for (const [i, c] of list.entries()) {
    const label = candidateLabel(c);
    done.push(
      await runCandidate(c, input.source, {
        timeLimitSeconds: input.timeLimitSeconds,
        onProgress: (d, t) => input.progress?.(label, (i + d / t) / list.length),
      }),
    );
  }
  const differ = markSameResults(done);
  const runs = done.map((d) => d.record);
  addSpeedups(runs);
  return {
    runs,
    disagreement:
      differ.length > 0
        ? `${differ.join(', ')} returned other results than ${runs[0]?.label}`
        : null,
    seconds: (performance.now() - started) / 1000,
  };
}
