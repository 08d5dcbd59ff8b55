import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../experiments/run-record.ts';
import { formatTaskCost } from '../render/format.ts';

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the chart: how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

const MIB = 1024 * 1024;

// One colour per model in every chart, so a model reads the same across the report.
const MODELS = [
  'sequential',
  'async',
  'async-gather',
  'async-blocking',
  'async-limited',
  'thread',
  'process',
  'queue',
];
const PALETTE = [
  '#7f7f7f',
  '#4c78a8',
  '#72b7b2',
  '#e45756',
  '#54a24b',
  '#f58518',
  '#b279a2',
  '#9d755d',
];
function modelColor(runs: RunRecord[]) {
  const present = MODELS.filter((m) => runs.some((r) => r.model === m));
  return {
    field: 'model',
    type: 'nominal',
    scale: { domain: present, range: present.map((m) => PALETTE[MODELS.indexOf(m)]!) },
  } as const;
}
const FONT = { config: { font: 'sans-serif', view: { stroke: '#ddd' } } } as const;

export function speedupChart(runs: RunRecord[], workload: string): ChartSpec {
  const cores = runs[0]?.cores ?? 1;
  const maxWorkers = Math.max(1, ...runs.map((r) => r.workers ?? 1));
  // Models without workers (sequential, async, async-gather) would all sit on one dot at
  // 1 worker: spread them a little either side of it, in run order.
  const unpooled = runs.filter((r) => r.workers == null && r.speedup !== null).map((r) => r.label);
  const at = (r: RunRecord): number =>
    r.workers ?? 2 ** ((unpooled.indexOf(r.label) - (unpooled.length - 1) / 2) * 0.12);
  const values = runs
    .filter((r) => r.speedup !== null)
    .map((r) => ({ model: r.model, workers: at(r), speedup: r.speedup, label: r.label }));
  const ticks = [...new Set([1, ...runs.map((r) => r.workers ?? 1)])].sort((a, b) => a - b);
  const ideal = Array.from({ length: maxWorkers }, (_, i) => ({
    workers: i + 1,
    speedup: Math.min(i + 1, cores),
  }));
  return {
    id: `${workload}-speedup`,
    title: 'Speedup over sequential against workers',
    caption: `Higher is better, on a log scale so one far point (async on a waiting task) does not flatten the rest. The dashed line is the most ${cores} cores allow; models without workers sit side by side at 1 worker.`,
    spec: {
      ...FONT,
      width: 480,
      height: 280,
      layer: [
        {
          data: { values: ideal },
          mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
          encoding: {
            x: { field: 'workers', type: 'quantitative', scale: { type: 'log', base: 2 } },
            y: { field: 'speedup', type: 'quantitative', scale: { type: 'log', base: 2 } },
          },
        },
        {
          data: { values },
          mark: { type: 'line', point: { size: 60 } },
          encoding: {
            x: {
              field: 'workers',
              type: 'quantitative',
              title: 'workers',
              scale: { type: 'log', base: 2 },
              axis: { values: ticks, format: 'd' },
            },
            y: {
              field: 'speedup',
              type: 'quantitative',
              title: 'speedup (x, log scale)',
              scale: { type: 'log', base: 2 },
            },
            color: modelColor(runs),
            tooltip: [{ field: 'label' }, { field: 'speedup', format: '.2f' }],
          },
        },
      ],
    },
  };
}

export function taskCostChart(runs: RunRecord[]): ChartSpec {
  const values = runs
    .filter((r) => r.taskCostMs !== undefined)
    .map((r) => ({
      run: r.label,
      model: r.model,
      ms: Math.max(r.taskCostMs!, 1e-5),
      text: formatTaskCost(r.taskCostMs!),
    }));
  // A log axis has no zero: bars start from a decade below the cheapest model.
  const floor = 10 ** Math.floor(Math.log10(Math.min(1e-3, ...values.map((v) => v.ms)) / 2));
  // A decade of room on the right for the longest bar's label.
  const top = 10 ** Math.ceil(Math.log10(Math.max(1, ...values.map((v) => v.ms))) + 1);
  const decades: number[] = [];
  for (let d = floor; d <= top * 1.01; d *= 10) decades.push(d);
  const x = {
    field: 'ms',
    type: 'quantitative' as const,
    title: 'ms per task (log scale)',
    scale: { type: 'log' as const, domain: [floor, top] },
    axis: { values: decades, format: '~g' },
  };
  const y = {
    field: 'run',
    type: 'nominal',
    title: null,
    sort: null,
    axis: { labelLimit: 0 },
  } as const;
  return {
    id: 'cpu-task-cost',
    title: 'Cost per task',
    caption:
      'Milliseconds per task for a batch of tiny tasks submitted at once, on a log scale: what each task must outweigh for its model to pay off.',
    spec: {
      ...FONT,
      width: 420,
      data: { values },
      layer: [
        {
          mark: 'bar',
          encoding: { y, x, x2: { datum: floor }, color: modelColor(runs) },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4 },
          encoding: { y, x, text: { field: 'text' } },
        },
      ],
    },
  };
}

// A sample is a share of CPU time over 100 ms; a late /proc read can make one exceed the
// interval (a 2,100% sample once stretched a chart to 14,786 px), so it is clamped.
function percent(share: number): number {
  return Math.min(100, Math.max(0, share * 100));
}

export function activityChart(runs: RunRecord[], workload: string): ChartSpec {
  const values = runs.flatMap((r) =>
    r.timeline.flatMap((s) => [
      ...s.cores.map((busy, core) => ({
        run: r.label,
        t: s.t,
        core: `core ${core}`,
        busy: percent(busy),
      })),
      {
        run: r.label,
        t: s.t,
        core: 'this run',
        busy: percent(s.run / Math.max(1, s.cores.length)),
      },
    ]),
  );
  return {
    id: `${workload}-activity`,
    title: 'CPU use per core during each run',
    caption:
      "The Activity Monitor view: each core of the machine (other programs included), sampled every 100 ms from /proc/stat, and the run's own process tree (dashed) as a share of all cores.",
    spec: {
      ...FONT,
      data: { values },
      facet: {
        row: {
          field: 'run',
          type: 'nominal',
          title: null,
          sort: runs.map((r) => r.label),
          header: { labelLimit: 0 },
        },
      },
      spec: {
        width: 480,
        height: 50,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds into the run' },
          y: { field: 'busy', type: 'quantitative', title: 'busy %', scale: { domain: [0, 100] } },
          color: { field: 'core', type: 'nominal', title: null },
          strokeDash: {
            condition: { test: "datum.core === 'this run'", value: [4, 2] },
            value: [1, 0],
          },
        },
      },
      // One time axis for every panel, so runs compare by eye: the longest run sets it.
    },
  };
}

export function memoryChart(runs: RunRecord[]): ChartSpec {
  const values = runs.map((r) => ({
    workload: r.workload,
    run: r.label,
    model: r.model,
    mib: r.peakRssBytes / MIB,
  }));
  return {
    id: 'memory',
    title: 'Peak memory of the whole process tree',
    caption:
      'Resident memory of the run and every thread and process it started; each process holds its own copy of the data.',
    spec: {
      ...FONT,
      data: { values },
      facet: { row: { field: 'workload', type: 'nominal', title: null } },
      spec: {
        width: 420,
        mark: 'bar',
        encoding: {
          y: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
          x: { field: 'mib', type: 'quantitative', title: 'peak RSS (MiB)' },
          color: modelColor(runs),
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

export function idealChart(runs: RunRecord[]): ChartSpec {
  const values = runs.flatMap((r) => [
    { run: r.label, kind: 'measured', seconds: r.seconds },
    ...(r.idealSeconds == null ? [] : [{ run: r.label, kind: 'ideal', seconds: r.idealSeconds }]),
  ]);
  return {
    id: 'io-ideal',
    title: 'I/O models against their ideal time',
    caption:
      'Ideal = ceil(downloads / downloads at once) x latency; a blocking client allows one at a time.',
    spec: {
      ...FONT,
      width: 420,
      data: { values },
      mark: 'bar',
      encoding: {
        y: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
        yOffset: { field: 'kind' },
        x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
        color: {
          field: 'kind',
          type: 'nominal',
          scale: { domain: ['measured', 'ideal'], range: ['#4c78a8', '#bbb'] },
        },
      },
    },
  };
}
