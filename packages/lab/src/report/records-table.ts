import type { RunRecord, Workload } from '../experiments/run-record.ts';
import { formatBytes, formatRatio, formatSeconds, formatTaskCost } from '../render/format.ts';

/** The comparison table of one workload, shared by the terminal and the HTML report. */
export function recordsTable(
  workload: Workload,
  runs: RunRecord[],
): { headers: string[]; rows: string[][] } {
  const speedup = (r: RunRecord) => (r.speedup === null ? '-' : formatRatio(r.speedup));
  const common = (r: RunRecord) => [
    `${r.coresUsed.toFixed(2)}/${r.cores}`,
    formatBytes(r.peakRssBytes),
  ];
  switch (workload) {
    case 'cpu':
      return {
        headers: [
          'model',
          'workers',
          'seconds',
          'speedup',
          'cores used',
          'peak memory',
          'found',
          'per task',
        ],
        rows: runs.map((r) => [
          r.model,
          String(r.workers ?? '-'),
          r.seconds.toFixed(2),
          speedup(r),
          ...common(r),
          String(r.count),
          r.taskCostMs === undefined ? '-' : formatTaskCost(r.taskCostMs),
        ]),
      };
    case 'io':
      return {
        headers: [
          'model',
          'workers',
          'seconds',
          'ideal',
          'speedup',
          'cores used',
          'peak memory',
          'bytes',
          'errors',
        ],
        rows: runs.map((r) => [
          r.label,
          String(r.workers ?? '-'),
          r.seconds.toFixed(2),
          r.idealSeconds == null ? '-' : formatSeconds(r.idealSeconds),
          speedup(r),
          ...common(r),
          String(r.bytes),
          String(r.errors),
        ]),
      };
    case 'task':
      return {
        headers: [
          'model',
          'workers',
          'chunksize',
          'seconds',
          'speedup',
          'cores used',
          'peak memory',
          'same results',
        ],
        rows: runs.map((r) => [
          r.model,
          String(r.workers ?? '-'),
          r.workers === null ? '-' : String(r.chunksize),
          r.seconds.toFixed(2),
          speedup(r),
          ...common(r),
          r.sameResults ? 'yes' : 'NO',
        ]),
      };
  }
}
