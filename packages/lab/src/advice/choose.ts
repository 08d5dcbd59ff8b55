import type { TaskModel } from '../experiments/models.ts';
import type { Prediction } from './predict.ts';

/** A candidate the advice does not run in full, and why. */
export interface Skipped {
  label: string;
  predictedSeconds: number | null;
  why: string;
}

export interface RunPlan {
  /** To run in full, in this order (most promising first). */
  run: Prediction[];
  skipped: Skipped[];
}

/**
 * How far above the best prediction a candidate may be predicted and still be run:
 * the predictor misses by up to about a third on a shared machine, so anything within
 * half again of the best may turn out fastest.
 */
export const CAN_WIN = 1.5;
/** Within the best prediction's own model, a second configuration this close is run too. */
const CLOSE_CALL = 1.15;
/** Full runs at most: the advice must stay a fraction of a sweep. */
export const MAX_FULL_RUNS = 4;

const family = (p: Prediction): TaskModel => p.candidate.model;

/**
 * Which candidates can win: the best prediction, the best of every other model within
 * CAN_WIN of it (a different model hedges against the predictor's blind spots more than
 * a neighbour of the same one), and a close second of the best's own model; at most
 * MAX_FULL_RUNS. Candidates without a prediction (queue) are run when asked for.
 * `predictions` must be sorted fastest first.
 */
export function choose(predictions: readonly Prediction[]): RunPlan {
  const best = predictions.find((p) => p.seconds !== null);
  const run: Prediction[] = [];
  const why = new Map<Prediction, string>();
  if (best !== undefined && best.seconds !== null) {
    run.push(best);
    const limit = best.seconds * CAN_WIN;
    const seen = new Set<TaskModel>([family(best)]);
    for (const p of predictions) {
      if (p.seconds === null || p === best) continue;
      if (p.seconds > limit) {
        why.set(
          p,
          `predicted ${p.seconds.toFixed(2)} s, ${(p.seconds / best.seconds).toFixed(1)}x the best prediction (${best.label})`,
        );
      } else if (!seen.has(family(p))) {
        seen.add(family(p));
        run.push(p);
      }
    }
    const second = predictions.find(
      (p) =>
        p !== best &&
        family(p) === family(best) &&
        p.seconds !== null &&
        p.seconds <= best.seconds! * CLOSE_CALL,
    );
    if (second !== undefined && !run.includes(second)) run.splice(1, 0, second);
  }
  for (const p of predictions) if (p.seconds === null) run.push(p);
  const kept = run.slice(0, MAX_FULL_RUNS);
  for (const p of run.slice(MAX_FULL_RUNS)) {
    why.set(p, `could win, but the advice runs at most ${MAX_FULL_RUNS} candidates in full`);
  }
  const skipped = predictions
    .filter((p) => !kept.includes(p))
    .map((p) => ({
      label: p.label,
      predictedSeconds: p.seconds,
      why: why.get(p) ?? 'another configuration of the same model was predicted faster',
    }));
  return { run: kept, skipped };
}
