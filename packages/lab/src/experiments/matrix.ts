import { type IoSettings, runIoModels } from './io-models.ts';
import { type CpuModel, type IoModel, usesWorkers } from './models.ts';
import { type Measurement, runMeasured } from './run-measured.ts';
import { addSpeedups, type RunRecord } from './run-record.ts';
import type { CpuOutcome, CpuSpec } from './spec.ts';

/** `fraction` is of the whole matrix, 0..1. */
export type MatrixProgress = (label: string, fraction: number) => void;

export function base(
  m: Measurement,
  workload: RunRecord['workload'],
  model: string,
  workers: number | null,
  label: string,
) {
  return {
    workload,
    model,
    workers,
    label,
    seconds: m.seconds,
    speedup: null,
    cpuSeconds: m.cpuSeconds,
    coresUsed: m.coresUsed,
    cores: m.cores,
    peakRssBytes: m.peakRssBytes,
    timeline: m.timeline,
  };
}

/** The runs of a matrix: models without workers run once, pools once per worker count. */
export function plan<M extends string>(
  models: readonly M[],
  workers: readonly number[],
): [M, number | null][] {
  const runs: [M, number | null][] = [];
  for (const model of models) {
    if (usesWorkers(model)) for (const w of workers) runs.push([model, w]);
    else runs.push([model, null]);
  }
  return runs;
}

export function labelFor(model: string, workers: number | null): string {
  return workers === null ? model : `${model} x${workers}`;
}

export async function runCpuMatrix(
  models: readonly CpuModel[],
  workers: readonly number[],
  spec: Omit<CpuSpec, 'model' | 'workers' | 'kind'>,
  progress: MatrixProgress,
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const runs = plan(models, workers);
  for (const [i, [model, w]] of runs.entries()) {
    const label = labelFor(model, w);
    const m = await runMeasured<CpuOutcome>(
      { kind: 'cpu', ...spec, model, workers: w ?? 1 },
      (d, t) => progress(label, (i + d / t) / runs.length),
    );
    const record: RunRecord = { ...base(m, 'cpu', model, w, label), count: m.outcome.count };
    if (m.outcome.taskCostMs !== undefined) record.taskCostMs = m.outcome.taskCostMs;
    records.push(record);
  }
  addSpeedups(records);
  return records;
}

export async function runIoMatrix(
  models: readonly IoModel[],
  workers: readonly number[],
  settings: IoSettings,
  progress: MatrixProgress,
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const pools = models.filter(usesWorkers);
  const single = models.filter((m) => !usesWorkers(m));
  // One server for every run; pools once per worker count.
  const groups: [IoModel[], number | null][] = [
    [single, null],
    ...workers.map((w): [IoModel[], number] => [pools, w]),
  ];
  const total = single.length + pools.length * workers.length;
  let started = 0;
  for (const [group, w] of groups) {
    if (group.length === 0) continue;
    const first = started;
    started += group.length;
    const runs = await runIoModels(
      group,
      { ...settings, workers: w ?? settings.workers },
      (model, d, t) =>
        progress(ioLabel(model, w, settings), (first + group.indexOf(model) + d / t) / total),
    );
    for (const run of runs) {
      records.push({
        ...base(run.measurement, 'io', run.model, w, ioLabel(run.model, w, settings)),
        idealSeconds: run.idealSeconds,
        bytes: run.measurement.outcome.bytes,
        expectedBytes: run.expectedBytes,
        errors: run.measurement.outcome.errors,
      });
    }
  }
  // Keep the order the models were asked in.
  records.sort((a, b) => models.indexOf(a.model as IoModel) - models.indexOf(b.model as IoModel));
  addSpeedups(records);
  return records;
}

function ioLabel(model: IoModel, workers: number | null, settings: IoSettings): string {
  if (model === 'async-limited') return `async-limited (${settings.atOnce} at once)`;
  return labelFor(model, workers);
}
