import {
  CPU_DEFAULTS,
  DEFAULT_TIME_LIMIT_SECONDS,
  defaultWorkers,
} from '../experiments/defaults.ts';
import { CPU_MODELS, usesWorkers } from '../experiments/models.ts';
import { findRedisServer, REDIS_HINT } from '../experiments/queue-model.ts';
import { type Measurement, runMeasured, setRunTimeLimit } from '../experiments/run-measured.ts';
import type { CpuOutcome, CpuSpec } from '../experiments/spec.ts';
import { TASK_COST_BATCH } from '../experiments/task-cost.ts';
import {
  formatBytes,
  formatRatio,
  formatSeconds,
  formatTaskCost,
  plural,
  storySeconds,
} from '../render/format.ts';
import { ProgressBar } from '../render/progress.ts';
import { choiceFlag, intFlag, MAX_WORKERS, parseCommandArgs, UsageError } from '../support/args.ts';
import { type Command, write, writeJson } from './command.ts';

const USAGE = `Usage: concur cpu [options]

The story's CPU-bound search (big_o_search_*.py): count how many random numbers are in
a big array, split into batches, under one execution model. Prints the seconds, the
speedup over sequential, the cores used and the peak memory of the whole process tree.

Models:
  sequential       one batch after another on this thread
  async            coroutines: AsyncExecutor, batches awaited one by one (a for-await loop)
  async-gather     coroutines: every batch submitted at once, then Promise.all (asyncio.gather)
  thread           ThreadPoolExecutor with --workers worker threads; each task gets a copy of the array
  process          ProcessPoolExecutor with --workers child processes; each task gets a copy of the array
  queue            QueueExecutor through Redis: a private redis-server and one \`concur worker\`
                   process with --workers threads, started before the timed part (needs
                   redis-server on PATH); each task's copy of the array goes through Redis

Options:
  --model M        ${CPU_MODELS.join(' | ')} (default sequential)
  --workers N      threads or processes (default: cores, ${defaultWorkers()})
  --batches N      batches of lookups (default ${CPU_DEFAULTS.batches})
  --size N         numbers in the searched array (default ${CPU_DEFAULTS.size})
  --lookups K      numbers looked up per batch (default ${CPU_DEFAULTS.lookups})
  --seed N         random seed (default ${CPU_DEFAULTS.seed})
  --share          put the array in shared memory once (concur's sharedArray): thread tasks
                   read it without a copy; process tasks still get a copy each
  --skip-baseline  do not run sequential first to compute the speedup
  --time-limit S   stop a run that takes longer than S seconds (default ${DEFAULT_TIME_LIMIT_SECONDS})
  --json           print the result as JSON on stdout
  -h, --help       show this help

After the timed run, a batch of ${TASK_COST_BATCH} tiny tasks on the same kind of executor gives its
cost per task: what a task must outweigh for the model to pay off.

JSON fields: command, model, workers, batches, size, lookups, share, count, seconds,
sequentialSeconds, speedup, cpuSeconds, coresUsed, cores, peakRssBytes, taskCostMs.`;

/** The queue model starts a redis-server: say what to install before anything runs. */
export function requireRedis(what: string): void {
  if (findRedisServer() === undefined) {
    throw new UsageError(`${what} needs redis-server, which is not on PATH; ${REDIS_HINT}`);
  }
}

export function cpuSpecFrom(values: Record<string, string | boolean | undefined>): CpuSpec {
  const share = values.share === true;
  const model = choiceFlag(values, 'model', CPU_MODELS, 'sequential');
  return {
    kind: 'cpu',
    model,
    workers: intFlag(values, 'workers', defaultWorkers(), 1, MAX_WORKERS),
    batches: intFlag(values, 'batches', CPU_DEFAULTS.batches),
    size: intFlag(values, 'size', CPU_DEFAULTS.size),
    lookups: intFlag(values, 'lookups', CPU_DEFAULTS.lookups),
    seed: intFlag(values, 'seed', CPU_DEFAULTS.seed, 0),
    share,
  };
}

export const CPU_FLAGS = {
  'time-limit': { type: 'string' },
  model: { type: 'string' },
  workers: { type: 'string' },
  batches: { type: 'string' },
  size: { type: 'string' },
  lookups: { type: 'string' },
  seed: { type: 'string' },
  share: { type: 'boolean' },
} as const;

export const cpuCommand: Command = {
  name: 'cpu',
  summary: 'CPU-bound search under one model: seconds, speedup, cores used, memory',
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { ...CPU_FLAGS, 'skip-baseline': { type: 'boolean' }, json: { type: 'boolean' } },
      0,
    );
    if (values.help === true) {
      write(USAGE);
      return 0;
    }
    const spec = cpuSpecFrom(values);
    setRunTimeLimit(intFlag(values, 'time-limit', DEFAULT_TIME_LIMIT_SECONDS));
    if (spec.model === 'queue') requireRedis('--model queue');
    const withBaseline = spec.model !== 'sequential' && values['skip-baseline'] !== true;
    const bar = new ProgressBar(`cpu ${spec.model}`);
    let baseline: Measurement<CpuOutcome> | undefined;
    try {
      if (withBaseline) {
        baseline = await runMeasured<CpuOutcome>(
          { ...spec, model: 'sequential', share: false },
          (d, t) => bar.update((d / t) * 0.5, 'sequential baseline'),
        );
      }
      const offset = withBaseline ? 0.5 : 0;
      const scale = withBaseline ? 0.5 : 1;
      const run = await runMeasured<CpuOutcome>(spec, (d, t) =>
        bar.update(offset + (d / t) * scale, spec.model),
      );
      bar.done();
      const sequentialSeconds = spec.model === 'sequential' ? run.seconds : baseline?.seconds;
      const speedup = sequentialSeconds === undefined ? null : sequentialSeconds / run.seconds;
      if (values.json === true) {
        writeJson({
          command: 'cpu',
          model: spec.model,
          workers: spec.workers,
          batches: spec.batches,
          size: spec.size,
          lookups: spec.lookups,
          share: spec.share,
          count: run.outcome.count,
          seconds: run.seconds,
          sequentialSeconds: sequentialSeconds ?? null,
          speedup,
          cpuSeconds: run.cpuSeconds,
          coresUsed: run.coresUsed,
          cores: run.cores,
          peakRssBytes: run.peakRssBytes,
          taskCostMs: run.outcome.taskCostMs ?? null,
        });
        return 0;
      }
      const workers = usesWorkers(spec.model) ? `, ${plural(spec.workers, 'worker')}` : '';
      const cost = run.outcome.taskCostMs;
      write(
        [
          `${spec.model}${workers}: ${spec.batches} batches of ${spec.lookups} lookups in ${spec.size.toLocaleString('en')} numbers`,
          storySeconds(run.seconds),
          `speedup:      ${speedup === null ? 'n/a (--skip-baseline)' : `${formatRatio(speedup)} over sequential (${formatSeconds(sequentialSeconds ?? 0)})`}`,
          `cores used:   ${run.coresUsed.toFixed(2)} of ${run.cores} cores (${run.cpuSeconds.toFixed(2)} s of CPU)`,
          `peak memory:  ${formatBytes(run.peakRssBytes)} (whole process tree)`,
          `found:        ${run.outcome.count} of ${spec.batches * spec.lookups} lookups`,
          `per task:     ${cost === undefined ? 'n/a' : `${formatTaskCost(cost)} (a batch of ${TASK_COST_BATCH} tiny tasks)`}`,
        ].join('\n'),
      );
      return 0;
    } finally {
      bar.done();
    }
  },
};
