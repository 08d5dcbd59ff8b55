import { availableParallelism } from 'node:os';

/**
 * Sizes chosen so that `concur compare` with no flags runs in about a minute on
 * 2 cores: one sequential batch is a few hundred milliseconds there.
 */
export const CPU_DEFAULTS = Object.freeze({
  size: 1_000_000,
  lookups: 500,
  batches: 4,
  seed: 42,
});

export const IO_DEFAULTS = Object.freeze({
  batches: 20,
  latencyMs: 100,
  bytes: 64 * 1024,
  atOnce: 3,
  concurrencyPerWorker: 1,
});

export function defaultWorkers(): number {
  return availableParallelism();
}

/** 1, 2, 4, ... up to twice the cores: past the cores is where the story's 100 processes went. */
export function defaultWorkerSweep(): number[] {
  const sweep: number[] = [];
  for (let w = 1; w <= Math.max(2, availableParallelism() * 2); w *= 2) sweep.push(w);
  return sweep;
}

/**
 * Seconds a measured run may take before it is stopped (--time-limit): far above any
 * default workload (a few seconds), low enough that a hanging task is reported in
 * minutes, not never.
 */
export const DEFAULT_TIME_LIMIT_SECONDS = 120;
