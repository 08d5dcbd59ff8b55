import type { RunRecord, Workload } from '../experiments/run-record.ts';
import { formatBytes, formatRatio, formatSeconds, formatTaskCost } from '../render/format.ts';

/** Calls at once: a pool's per worker, async's cap ('all' without one). */
function atOnce(r: RunRecord): string {
  if (r.model === 'async') return r.limit == null ? 'all' : String(r.limit);
  if (r.workers === null) return '1';
  return String(r.concurrencyPerWorker ?? 1);
}

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
          'at once',
          'chunksize',
          'predicted',
          'seconds',
          'speedup',
          'cores used',
          'peak memory',
          'errors',
          'same results',
        ],
        rows: runs.map((r) => [
          r.model,
          String(r.workers ?? '-'),
          atOnce(r),
          r.workers === null ? '-' : String(r.chunksize),
          r.predictedSeconds == null ? '-' : r.predictedSeconds.toFixed(2),
          r.seconds.toFixed(2),
          speedup(r),
          ...common(r),
          String(r.errors ?? 0),
          r.sameResults ? 'yes' : 'NO',
        ]),
      };
  }
}
