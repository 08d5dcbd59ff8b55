import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Advice, advise, DEFAULT_BUDGET_SECONDS, sweep } from '../advice/advise.ts';
import type { CandidateSpace } from '../advice/candidate.ts';
import { DEFAULT_TIME_LIMIT_SECONDS, defaultWorkerSweep } from '../experiments/defaults.ts';
import { DEFAULT_TASK_MODELS, TASK_MODELS } from '../experiments/models.ts';
import { RunFailedError } from '../experiments/run-measured.ts';
import { readTaskInputs } from '../experiments/task-inputs.ts';
import { machineLine, machineLoad } from '../measure/machine-load.ts';
import { ProgressBar } from '../render/progress.ts';
import { activityChart, speedupChart } from '../report/charts.ts';
import { recordsTable } from '../report/records-table.ts';
import { adviceLead, adviceVerdict, taskVerdict } from '../report/verdict.ts';
import {
  choiceListFlag,
  intFlag,
  intListFlag,
  MAX_WORKERS,
  UsageError,
  type Values,
} from '../support/args.ts';
import { LabInputError } from '../support/lab-input-error.ts';
import { finish, reportPath } from './compare-output.ts';
import { requireRedis } from './cpu.ts';

function chunksizes(values: Values): (number | 'auto')[] {
  const raw = values.chunksizes;
  if (raw === undefined) return ['auto', 1];
  return String(raw)
    .split(',')
    .map((part) => {
      if (part === 'auto') return 'auto';
      if (!/^\d+$/.test(part) || Number(part) < 1) {
        throw new UsageError(`--chunksizes takes integers from 1 and up or auto, got '${part}'`);
      }
      return Number(part);
    });
}

/** The user's module or inputs are bad input: one line and exit code 2, like a bad flag. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof LabInputError ||
      (error instanceof RunFailedError && error.code === LabInputError.code)
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function sampleJson(advice: Advice): Record<string, unknown> {
  const p = advice.profile;
  return {
    calls: p.sampled,
    wallMs: p.wallMs,
    cpuMs: p.cpuMs,
    serialMs: p.serialMs,
    argBytes: p.argBytes,
    resultBytes: p.resultBytes,
    errors: p.errors,
    pools: p.pools,
  };
}

/** `concur compare --task FILE#NAME --inputs FILE`: advice (or with --sweep, every run) on the user's task. */
export async function compareTask(values: Values): Promise<number> {
  if (typeof values.task !== 'string' || typeof values.inputs !== 'string') {
    throw new UsageError(
      '--task and --inputs go together: --task ./tasks.ts#name --inputs ./inputs.json',
    );
  }
  const hash = values.task.lastIndexOf('#');
  if (hash <= 0 || hash === values.task.length - 1) {
    throw new UsageError(`--task must be FILE#exportName, got '${values.task}'`);
  }
  const modulePath = resolve(values.task.slice(0, hash));
  const exportName = values.task.slice(hash + 1);
  const inputsPath = resolve(values.inputs);
  if (!existsSync(modulePath)) throw new UsageError(`--task: no such file ${modulePath}`);
  if (!existsSync(inputsPath)) throw new UsageError(`--inputs: no such file ${inputsPath}`);
  const models = choiceListFlag(values, 'models', TASK_MODELS, DEFAULT_TASK_MODELS);
  if (!models.includes('sequential')) models.unshift('sequential');
  if (models.includes('queue')) requireRedis('--models queue');
  const workers = intListFlag(values, 'workers', defaultWorkerSweep(), MAX_WORKERS);
  const space: CandidateSpace = { models, workers, chunksizes: chunksizes(values) };
  const budgetSeconds = intFlag(values, 'budget', DEFAULT_BUDGET_SECONDS);
  const timeLimitSeconds = intFlag(values, 'time-limit', DEFAULT_TIME_LIMIT_SECONDS);
  const path = reportPath(values);
  const items = (await asUsage(async () => readTaskInputs(inputsPath))).length;
  const source = { modulePath, exportName, inputsPath };
  const load = machineLoad();
  const bar = new ProgressBar('compare task');
  const progress = (label: string, f: number) => bar.update(f, label);
  const setup = `${values.task} over ${values.inputs} (${items} calls); workers ${workers.join(', ')}`;
  const title = `concur lab: ${exportName} on this machine`;
  if (values.sweep === true) {
    let result: Awaited<ReturnType<typeof sweep>>;
    try {
      result = await asUsage(() => sweep({ source, space, timeLimitSeconds, progress }));
    } finally {
      bar.done();
    }
    const { runs } = result;
    return finish(values, path, title, machineLine(load), {
      task: {
        runs,
        json: { sweepSeconds: result.seconds },
        section: {
          title: `Your task: ${exportName}, every configuration`,
          setup,
          table: recordsTable('task', runs),
          charts: [speedupChart(runs, 'task'), activityChart(runs, 'task')],
          verdict: taskVerdict(runs, exportName, load.after()),
        },
      },
    });
  }
  let advice: Advice;
  try {
    advice = await asUsage(() =>
      advise({
        source,
        space,
        budgetSeconds,
        timeLimitSeconds,
        coreShare: load.referenceShare,
        progress,
      }),
    );
  } finally {
    bar.done();
  }
  const { runs } = advice;
  const lead = adviceLead(advice.disagreement, advice.recommendation?.why);
  return finish(values, path, title, machineLine(load), {
    task: {
      runs,
      json: {
        recommendation: advice.recommendation,
        disagreement: advice.disagreement,
        adviceSeconds: advice.seconds,
        budgetSeconds,
        sample: sampleJson(advice),
        skipped: advice.skipped,
      },
      section: {
        title: `Your task: ${exportName}`,
        lead,
        setup: `${setup}; a sample of ${advice.profile.sampled} calls, then the candidates that can win`,
        table: recordsTable('task', runs),
        charts: runs.length === 0 ? [] : [speedupChart(runs, 'task'), activityChart(runs, 'task')],
        verdict: adviceVerdict(lead, runs, advice.skipped.length, advice.seconds, load.after()),
      },
    },
  });
}
