// The io experiment: downloads from a local server under each model, measured.

import { startDownloadServer } from '../io/server-process.ts';
import { intFlag, MAX_WORKERS, type Values } from '../support/args.ts';
import { defaultWorkers, IO_DEFAULTS } from './defaults.ts';
import { cycleUrls, idealSeconds, ioConcurrency, readUrlFile } from './io-plan.ts';
import type { IoModel } from './models.ts';
import { type Measurement, runMeasured } from './run-measured.ts';
import type { IoOutcome } from './spec.ts';

export interface IoSettings {
  downloads: number;
  workers: number;
  atOnce: number;
  concurrencyPerWorker: number;
  latencyMs: number;
  bytes: number;
  /** URLs from --urls, or undefined for the local server. */
  urls: string[] | undefined;
}

export function ioSettingsFrom(values: Values): IoSettings {
  const urls = typeof values.urls === 'string' ? readUrlFile(values.urls) : undefined;
  return {
    downloads: intFlag(values, 'downloads', urls?.length ?? IO_DEFAULTS.batches),
    workers: intFlag(values, 'workers', defaultWorkers(), 1, MAX_WORKERS),
    atOnce: intFlag(values, 'at-once', IO_DEFAULTS.atOnce),
    concurrencyPerWorker: intFlag(
      values,
      'concurrency-per-worker',
      IO_DEFAULTS.concurrencyPerWorker,
    ),
    latencyMs: intFlag(values, 'latency', IO_DEFAULTS.latencyMs, 0),
    bytes: intFlag(values, 'bytes', IO_DEFAULTS.bytes, 0),
    urls,
  };
}

export interface IoRun {
  model: IoModel;
  settings: IoSettings;
  measurement: Measurement<IoOutcome>;
  /** null with --urls: the latency of real servers is unknown. */
  idealSeconds: number | null;
  expectedBytes: number | null;
}

/** Runs the models one after another against one server, started and stopped here. */
export async function runIoModels(
  models: readonly IoModel[],
  settings: IoSettings,
  onProgress: (model: IoModel, done: number, total: number) => void,
): Promise<IoRun[]> {
  const server =
    settings.urls === undefined
      ? await startDownloadServer(settings.latencyMs, settings.bytes)
      : undefined;
  try {
    const urls = cycleUrls(settings.urls ?? [server!.url], settings.downloads);
    const runs: IoRun[] = [];
    for (const model of models) {
      const measurement = await runMeasured<IoOutcome>(
        {
          kind: 'io',
          model,
          workers: settings.workers,
          atOnce: settings.atOnce,
          concurrencyPerWorker: settings.concurrencyPerWorker,
          urls,
        },
        (d, t) => onProgress(model, d, t),
      );
      const concurrency = ioConcurrency(
        model,
        settings.downloads,
        settings.workers,
        settings.atOnce,
        settings.concurrencyPerWorker,
      );
      runs.push({
        model,
        settings,
        measurement,
        idealSeconds:
          server === undefined
            ? null
            : idealSeconds(settings.downloads, concurrency, settings.latencyMs),
        expectedBytes: server === undefined ? null : settings.downloads * settings.bytes,
      });
    }
    return runs;
  } finally {
    await server?.close();
  }
}

export function ioJson(run: IoRun): Record<string, unknown> {
  const m = run.measurement;
  return {
    command: 'io',
    model: run.model,
    downloads: run.settings.downloads,
    workers: run.settings.workers,
    atOnce: run.settings.atOnce,
    concurrencyPerWorker: run.settings.concurrencyPerWorker,
    latencyMs: run.settings.urls === undefined ? run.settings.latencyMs : null,
    bytesPerDownload: run.settings.urls === undefined ? run.settings.bytes : null,
    seconds: m.seconds,
    idealSeconds: run.idealSeconds,
    bytes: m.outcome.bytes,
    expectedBytes: run.expectedBytes,
    errors: m.outcome.errors,
    errorSamples: m.outcome.errorSamples,
    cpuSeconds: m.cpuSeconds,
    coresUsed: m.coresUsed,
    cores: m.cores,
    peakRssBytes: m.peakRssBytes,
  };
}
