import {
  DEFAULT_TIME_LIMIT_SECONDS,
  defaultWorkers,
  IO_DEFAULTS,
} from '../experiments/defaults.ts';
import {
  type IoRun,
  type IoSettings,
  ioJson,
  ioSettingsFrom,
  runIoModels,
} from '../experiments/io-models.ts';
import { IO_MODELS, type IoModel } from '../experiments/models.ts';
import { setRunTimeLimit } from '../experiments/run-measured.ts';
import { formatBytes, formatSeconds, plural, storySeconds } from '../render/format.ts';
import { ProgressBar } from '../render/progress.ts';
import { choiceFlag, intFlag, parseCommandArgs } from '../support/args.ts';
import { type Command, write, writeJson } from './command.ts';

const USAGE = `Usage: concur io [options]

The story's I/O-bound download (request_to_download_*.py) under one model, from a local
HTTP server that runs in its own process on 127.0.0.1 (or from --urls FILE).

Models:
  sequential      one download after another
  process/thread  a pool of --workers, each running --concurrency-per-worker downloads at once
  async-blocking  async functions calling a blocking HTTP client: the event loop is frozen
                  during each request (a helper thread does the I/O while the caller waits
                  in Atomics.wait), so downloads still happen one at a time
  async           non-blocking fetch, every download at once (the story's aiohttp)
  async-limited   non-blocking fetch, at most --at-once downloads at a time (a semaphore)

Options:
  --model M                   one of the models above (default async)
  --downloads N               downloads (default ${IO_DEFAULTS.batches}; with --urls, the number of URLs)
  --workers N                 threads or processes (default: cores, ${defaultWorkers()})
  --at-once K                 cap for async-limited (default ${IO_DEFAULTS.atOnce})
  --concurrency-per-worker K  downloads at once in each worker (default ${IO_DEFAULTS.concurrencyPerWorker})
  --latency MS                server delay before each answer (default ${IO_DEFAULTS.latencyMs})
  --bytes N                   payload size (default ${IO_DEFAULTS.bytes})
  --urls FILE                 download these URLs instead (one per line, # comments)
  --time-limit S              stop a run that takes longer than S seconds (default ${DEFAULT_TIME_LIMIT_SECONDS})
  --json                      print the result as JSON on stdout
  -h, --help                  show this help

JSON fields: command, model, downloads, workers, atOnce, concurrencyPerWorker, latencyMs,
bytesPerDownload, seconds, idealSeconds, bytes, expectedBytes, errors, errorSamples,
cpuSeconds, coresUsed, cores, peakRssBytes.`;

export const IO_FLAGS = {
  'time-limit': { type: 'string' },
  model: { type: 'string' },
  downloads: { type: 'string' },
  workers: { type: 'string' },
  'at-once': { type: 'string' },
  'concurrency-per-worker': { type: 'string' },
  latency: { type: 'string' },
  bytes: { type: 'string' },
  urls: { type: 'string' },
} as const;

function describeModel(model: IoModel, settings: IoSettings): string {
  if (model === 'async-limited') return `async-limited (${settings.atOnce} at once)`;
  if (model !== 'thread' && model !== 'process') return model;
  const perWorker = settings.concurrencyPerWorker;
  return `${model}, ${plural(settings.workers, 'worker')}${perWorker > 1 ? ` x ${perWorker} at once` : ''}`;
}

export const ioCommand: Command = {
  name: 'io',
  summary: 'I/O-bound downloads under one model: seconds against the ideal, bytes, errors',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { ...IO_FLAGS, json: { type: 'boolean' } }, 0);
    if (values.help === true) {
      write(USAGE);
      return 0;
    }
    const model = choiceFlag(values, 'model', IO_MODELS, 'async');
    const settings = ioSettingsFrom(values);
    setRunTimeLimit(intFlag(values, 'time-limit', DEFAULT_TIME_LIMIT_SECONDS));
    const bar = new ProgressBar(`io ${model}`);
    let run: IoRun;
    try {
      [run] = (await runIoModels([model], settings, (_m, d, t) => bar.update(d / t))) as [IoRun];
    } finally {
      bar.done();
    }
    if (values.json === true) {
      writeJson(ioJson(run));
      return 0;
    }
    const m = run.measurement;
    const source =
      settings.urls === undefined
        ? `${formatBytes(settings.bytes)} each from a local server answering after ${settings.latencyMs} ms`
        : `from ${settings.urls.length} URLs`;
    write(
      [
        `${describeModel(model, settings)}: ${settings.downloads} downloads ${source}`,
        storySeconds(m.seconds),
        `ideal:        ${run.idealSeconds === null ? 'n/a (real URLs)' : `${formatSeconds(run.idealSeconds)} (${(m.seconds / Math.max(run.idealSeconds, 1e-9)).toFixed(2)}x of it)`}`,
        `received:     ${m.outcome.bytes} bytes${run.expectedBytes === null ? '' : ` of ${run.expectedBytes} expected`}`,
        `errors:       ${m.outcome.errors}${m.outcome.errorSamples.length > 0 ? ` (${m.outcome.errorSamples.join('; ')})` : ''}`,
        `cores used:   ${m.coresUsed.toFixed(2)} of ${m.cores} cores`,
        `peak memory:  ${formatBytes(m.peakRssBytes)} (whole process tree, server excluded)`,
      ].join('\n'),
    );
    return 0;
  },
};
