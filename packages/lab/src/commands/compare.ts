import { DEFAULT_BUDGET_SECONDS } from '../advice/advise.ts';
import { ASYNC_LIMIT, WAITING_CONCURRENCY } from '../advice/candidate.ts';
import {
  CPU_DEFAULTS,
  DEFAULT_TIME_LIMIT_SECONDS,
  defaultWorkerSweep,
  defaultWorkers,
  IO_DEFAULTS,
} from '../experiments/defaults.ts';
import { ioSettingsFrom } from '../experiments/io-models.ts';
import { runCpuMatrix, runIoMatrix } from '../experiments/matrix.ts';
import { CPU_MODELS, DEFAULT_CPU_MODELS, IO_MODELS, TASK_MODELS } from '../experiments/models.ts';
import { findRedisServer, queueSkippedLine } from '../experiments/queue-model.ts';
import { setRunTimeLimit } from '../experiments/run-measured.ts';
import { type MachineLoad, machineLine, machineLoad } from '../measure/machine-load.ts';
import { ProgressBar } from '../render/progress.ts';
import { activityChart, idealChart, speedupChart, taskCostChart } from '../report/charts.ts';
import { recordsTable } from '../report/records-table.ts';
import { cpuVerdict, ioVerdict } from '../report/verdict.ts';
import {
  choiceListFlag,
  intFlag,
  intListFlag,
  MAX_WORKERS,
  parseCommandArgs,
  UsageError,
  type Values,
} from '../support/args.ts';
import { type Command, write } from './command.ts';
import { finish, reportPath, type WorkloadResult } from './compare-output.ts';
import { compareTask } from './compare-task.ts';
import { requireRedis } from './cpu.ts';

const WORKLOADS = ['cpu', 'io', 'all'] as const;

const USAGE = `Usage: concur compare [cpu|io|all] [options]
       concur compare --task ./tasks.ts#exportName --inputs ./inputs.json [options]

Runs every model of a workload, each in a fresh process, prints one table per workload
and writes a self-contained HTML report (charts, Activity Monitor view, verdict).

Built-in workloads (default all):
  --workers LIST      worker counts for threads, processes and queue
                      (cpu default ${defaultWorkerSweep().join(',')}; io default ${defaultWorkers()})
  --models LIST       models to run (cpu: ${CPU_MODELS.join(',')}; io: ${IO_MODELS.join(',')})
                      cpu runs every model but queue unless --models names it: queue
                      needs redis-server on PATH, and starting Redis and a worker for each
                      worker count adds seconds to a comparison meant to be quick
  --batches N         cpu: batches (default ${CPU_DEFAULTS.batches})
  --size N            cpu: numbers in the array (default ${CPU_DEFAULTS.size})
  --lookups K         cpu: lookups per batch (default ${CPU_DEFAULTS.lookups})
  --share             cpu: the array in shared memory (threads read it without a copy)
  --downloads N       io: downloads (default ${IO_DEFAULTS.batches})
  --latency MS        io: server latency (default ${IO_DEFAULTS.latencyMs})
  --bytes N           io: payload size (default ${IO_DEFAULTS.bytes})
  --at-once K         io: cap of async-limited (default ${IO_DEFAULTS.atOnce})
  --concurrency-per-worker K  io: downloads at once per worker (default ${IO_DEFAULTS.concurrencyPerWorker})
  --urls FILE         io: download these URLs instead of the local server

Your own task (advice):
  --task FILE#NAME    module and export name of a task() (TypeScript through tsx)
  --inputs FILE       JSON array (one item per call) or {"args": [[...], ...]}
  --budget SECONDS    cap on the whole advice (default ${DEFAULT_BUDGET_SECONDS}): a sample of the inputs
                      (CPU against wall time per call, sizes, whether calls overlap, what each
                      pool costs), a prediction for every configuration, then full runs of
                      the few that can win, fastest predicted first, while the budget lasts
  --sweep             run every configuration in full instead (no budget; slow)
  --models LIST       ${TASK_MODELS.join(',')} (default all but queue; queue starts a
                      private redis-server and one \`concur worker\` whose --tasks is FILE)
  --chunksizes LIST   map chunk sizes for pools and queue: integers or auto (default auto,1)
                      Configurations: sequential; async with no limit and with ${ASYNC_LIMIT} at once;
                      for each pool and worker count, one call per worker at each chunk size
                      and ${WAITING_CONCURRENCY} calls at once per worker (concurrencyPerWorker).
                      Calls that throw are counted, and the runs go on.

Every run:
  --time-limit S      stop a run that takes longer than S seconds (default ${DEFAULT_TIME_LIMIT_SECONDS})

Output:
  --report FILE       HTML report path (default concur-report.html); its folder must exist
  --json              print the results as JSON on stdout
  -h, --help          show this help

JSON fields: command, report, workloads{cpu,io,task}: { verdict, runs[] of { workload, model,
workers, label, seconds, speedup, cpuSeconds, coresUsed, cores, peakRssBytes, count,
idealSeconds, bytes, expectedBytes, errors, chunksize, concurrencyPerWorker, limit,
predictedSeconds, firstError, sameResults, taskCostMs } }.
taskCostMs (cpu): milliseconds per task of a batch of tiny tasks on that run's kind of executor.
task (advice) adds: recommendation { model, workers, concurrencyPerWorker, chunksize, limit,
predictedSeconds, measuredSeconds, speedup, why }, disagreement (why results differ, or
null), adviceSeconds, budgetSeconds, sample { calls, wallMs, cpuMs, serialMs, argBytes,
resultBytes, errors, pools }, skipped[] of { label, predictedSeconds, why }.
task (--sweep) adds: sweepSeconds.`;

const FLAGS = {
  workers: { type: 'string' },
  models: { type: 'string' },
  batches: { type: 'string' },
  size: { type: 'string' },
  lookups: { type: 'string' },
  seed: { type: 'string' },
  share: { type: 'boolean' },
  downloads: { type: 'string' },
  latency: { type: 'string' },
  bytes: { type: 'string' },
  'at-once': { type: 'string' },
  'concurrency-per-worker': { type: 'string' },
  urls: { type: 'string' },
  task: { type: 'string' },
  inputs: { type: 'string' },
  chunksizes: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  'time-limit': { type: 'string' },
  budget: { type: 'string' },
  sweep: { type: 'boolean' },
} as const;

/** Checks every flag first, so a typo fails before a minute of runs, then returns the runs. */
function compareCpu(
  values: Values,
  load: () => MachineLoad,
): (bar: ProgressBar, step: (s: number) => number) => Promise<WorkloadResult> {
  const models = choiceListFlag(values, 'models', CPU_MODELS, DEFAULT_CPU_MODELS);
  if (models.includes('queue')) requireRedis('--models queue');
  const workers = intListFlag(values, 'workers', defaultWorkerSweep(), MAX_WORKERS);
  const spec = {
    batches: intFlag(values, 'batches', CPU_DEFAULTS.batches),
    size: intFlag(values, 'size', CPU_DEFAULTS.size),
    lookups: intFlag(values, 'lookups', CPU_DEFAULTS.lookups),
    seed: intFlag(values, 'seed', CPU_DEFAULTS.seed, 0),
    share: values.share === true,
  };
  return async (bar, step) => {
    const runs = await runCpuMatrix(models, workers, spec, (label, f) =>
      bar.update(step(f), `cpu ${label}`),
    );
    return {
      runs,
      section: {
        title: 'CPU-bound: searching a big array',
        setup: `${spec.batches} batches of ${spec.lookups} lookups in ${spec.size.toLocaleString('en')} numbers${spec.share ? ' in shared memory' : ''}; workers ${workers.join(', ')}`,
        table: recordsTable('cpu', runs),
        charts: [speedupChart(runs, 'cpu'), taskCostChart(runs), activityChart(runs, 'cpu')],
        verdict: cpuVerdict(runs, spec.batches, load()),
      },
    };
  };
}

function compareIo(
  values: Values,
  load: () => MachineLoad,
): (bar: ProgressBar, step: (s: number) => number) => Promise<WorkloadResult> {
  const models = choiceListFlag(values, 'models', IO_MODELS, IO_MODELS);
  const workers = intListFlag(values, 'workers', [defaultWorkers()], MAX_WORKERS);
  const settings = ioSettingsFrom({ ...values, workers: undefined });
  return async (bar, step) => {
    const runs = await runIoMatrix(models, workers, settings, (label, f) =>
      bar.update(step(f), `io ${label}`),
    );
    const source =
      settings.urls === undefined
        ? `${settings.downloads} downloads of ${settings.bytes} bytes from a local server with ${settings.latencyMs} ms latency`
        : `${settings.downloads} downloads from ${settings.urls.length} URLs`;
    return {
      runs,
      section: {
        title: 'I/O-bound: downloads',
        setup: source,
        table: recordsTable('io', runs),
        charts: [idealChart(runs), activityChart(runs, 'io')],
        verdict: ioVerdict(runs, load()),
      },
    };
  };
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'every model of a workload (or of your own task): table, HTML report, verdict',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, FLAGS, 1);
    if (values.help === true) {
      write(USAGE);
      return 0;
    }
    if (values.task !== undefined || values.inputs !== undefined) {
      if (positionals.length > 0)
        throw new UsageError(`--task runs your task; drop '${positionals[0]}'`);
      return compareTask(values);
    }
    const workload = positionals[0] ?? 'all';
    if (!(WORKLOADS as readonly string[]).includes(workload)) {
      throw new UsageError(
        `unknown workload '${workload}'; expected one of ${WORKLOADS.join(', ')}`,
      );
    }
    if (values.models !== undefined) {
      const known = new Set<string>([
        ...(workload !== 'io' ? CPU_MODELS : []),
        ...(workload !== 'cpu' ? IO_MODELS : []),
      ]);
      const bad = String(values.models)
        .split(',')
        .find((m) => !known.has(m));
      if (bad !== undefined)
        throw new UsageError(
          `--models: '${bad}' is not a model of ${workload}; expected ${[...known].join(', ')}`,
        );
    }
    const path = reportPath(values);
    setRunTimeLimit(intFlag(values, 'time-limit', DEFAULT_TIME_LIMIT_SECONDS));
    const before = machineLoad();
    let after: MachineLoad | undefined;
    const load = (): MachineLoad => {
      after ??= before.after();
      return after;
    };
    const bar = new ProgressBar('compare');
    const results: Record<string, WorkloadResult> = {};
    const cpuValues = workload === 'io' ? undefined : pick(values, CPU_MODELS);
    const ioValues = workload === 'cpu' ? undefined : pick(values, IO_MODELS);
    const both = cpuValues !== undefined && ioValues !== undefined;
    const cpu = cpuValues === undefined ? undefined : compareCpu(cpuValues, load);
    const io = ioValues === undefined ? undefined : compareIo(ioValues, load);
    try {
      if (cpu !== undefined) results.cpu = await cpu(bar, (f) => (both ? f * 0.7 : f));
      if (io !== undefined) results.io = await io(bar, (f) => (both ? 0.7 + f * 0.3 : f));
    } finally {
      bar.done();
    }
    const queueLine =
      results.cpu !== undefined && values.models === undefined && values.json !== true
        ? findRedisServer() === undefined
          ? queueSkippedLine()
          : 'To add the cost of going through Redis: concur compare cpu --models sequential,thread,process,queue'
        : undefined;
    return finish(
      values,
      path,
      'concur lab: sequential, coroutines, threads and processes on this machine',
      machineLine(before),
      results,
      queueLine,
    );
  },
};

/** --models may list models of both workloads: each takes its own, and one with none is skipped. */
function pick(values: Values, models: readonly string[]): Values | undefined {
  if (values.models === undefined) return values;
  const mine = String(values.models)
    .split(',')
    .filter((m) => models.includes(m));
  return mine.length === 0 ? undefined : { ...values, models: mine.join(',') };
}
