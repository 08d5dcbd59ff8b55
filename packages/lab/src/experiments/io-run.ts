import type { DownloadResult } from '../io/download-result.ts';
import { download, downloadBlocking } from '../io/download-task.ts';
import type { Progress } from './cpu-run.ts';
import { createExecutor, type ExecutorChoice } from './models.ts';
import type { IoOutcome, IoSpec } from './spec.ts';

function choiceFor(spec: IoSpec): ExecutorChoice {
  switch (spec.model) {
    case 'sequential':
      return { runtime: 'sequential', workers: 1 };
    case 'async':
    case 'async-blocking':
      return { runtime: 'async', workers: 1 };
    case 'async-limited':
      return { runtime: 'async', workers: 1, concurrency: spec.atOnce };
    case 'thread':
    case 'process':
      return {
        runtime: spec.model,
        workers: spec.workers,
        concurrencyPerWorker: spec.concurrencyPerWorker,
      };
  }
}

/** Downloads every URL of the spec under its model; failures are counted, not thrown. */
export function prepareIo(spec: IoSpec, progress: Progress): () => Promise<IoOutcome> {
  const fn = spec.model === 'async-blocking' ? downloadBlocking : download;
  return async () => {
    const executor = createExecutor(choiceFor(spec));
    const outcome: IoOutcome = { downloads: 0, bytes: 0, errors: 0, errorSamples: [] };
    const record = (result: DownloadResult): void => {
      outcome.downloads++;
      outcome.bytes += result.bytes;
      if (result.error !== null) {
        outcome.errors++;
        if (outcome.errorSamples.length < 3 && !outcome.errorSamples.includes(result.error)) {
          outcome.errorSamples.push(result.error);
        }
      }
      progress(outcome.downloads, spec.urls.length);
    };
    try {
      await Promise.all(spec.urls.map((url) => executor.submit(fn, url).then(record)));
    } finally {
      await executor.shutdown();
    }
    return outcome;
  };
}
