import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultWorkerSweep } from '../experiments/defaults.ts';
import { runTaskMatrix } from '../experiments/matrix.ts';
import { DEFAULT_TASK_MODELS, TASK_MODELS } from '../experiments/models.ts';
import { ProgressBar } from '../render/progress.ts';
import { activityChart, speedupChart } from '../report/charts.ts';
import { recordsTable } from '../report/records-table.ts';
import { taskVerdict } from '../report/verdict.ts';
import { choiceListFlag, intListFlag, UsageError, type Values } from '../support/args.ts';
import { finish, machine } from './compare.ts';
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

/** `concur compare --task FILE#NAME --inputs FILE`: the comparison on the user's own task. */
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
  const workers = intListFlag(values, 'workers', defaultWorkerSweep());
  const meta = machine();
  const bar = new ProgressBar('compare task');
  let runs: Awaited<ReturnType<typeof runTaskMatrix>>;
  try {
    runs = await runTaskMatrix(
      models,
      workers,
      chunksizes(values),
      { modulePath, exportName, inputsPath },
      (label, f) => bar.update(f, label),
    );
  } finally {
    bar.done();
  }
  return finish(values, `concur lab: ${exportName} on this machine`, meta, {
    task: {
      runs,
      section: {
        title: `Your task: ${exportName}`,
        setup: `${values.task} over ${values.inputs} (${runs[0]?.count ?? 0} calls); workers ${workers.join(', ')}`,
        table: recordsTable('task', runs),
        charts: [speedupChart(runs, 'task'), activityChart(runs, 'task')],
        verdict: taskVerdict(runs, exportName),
      },
    },
  });
}
