import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RunRecord } from '../experiments/run-record.ts';
import { renderTable } from '../render/table.ts';
import { memoryChart } from '../report/charts.ts';
import { type ReportSection, renderReport } from '../report/html.ts';
import { UsageError, type Values } from '../support/args.ts';
import { write, writeJson } from './command.ts';

/** One workload of `concur compare`: its report section, its runs, and what --json adds. */
export interface WorkloadResult {
  section: ReportSection;
  runs: RunRecord[];
  /** Extra fields of the workload's JSON (the task's recommendation, skipped runs...). */
  json?: Record<string, unknown>;
}

/**
 * The report's path from --report, checked before any run: a folder that does not exist
 * or cannot be written must fail at once, not after minutes of runs.
 */
export function reportPath(values: Values): string {
  const path = resolve(typeof values.report === 'string' ? values.report : 'concur-report.html');
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {}
  if (!isDir) throw new UsageError(`--report ${path}: no such folder ${dir}; create it first`);
  try {
    accessSync(dir, constants.W_OK);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw new UsageError(`--report ${path} is a folder; give a file name`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--report ${path}: cannot write in ${dir}; pick another folder`);
  }
  return path;
}

/** Writes the report, prints the tables (or JSON) and the report's path. */
export async function finish(
  values: Values,
  path: string,
  title: string,
  meta: string,
  results: Record<string, WorkloadResult>,
  footer?: string,
): Promise<number> {
  const sections = Object.values(results).map((r) => r.section);
  const all = Object.values(results).flatMap((r) => r.runs);
  if (all.length > 0) sections[sections.length - 1]?.charts.push(memoryChart(all));
  writeFileSync(path, await renderReport(title, meta, sections));
  if (values.json === true) {
    const workloads = Object.fromEntries(
      Object.entries(results).map(([k, r]) => [
        k,
        {
          verdict: r.section.verdict,
          ...r.json,
          runs: r.runs.map(({ timeline: _t, ...run }) => run),
        },
      ]),
    );
    writeJson({ command: 'compare', report: path, workloads });
    return 0;
  }
  for (const section of sections) if (section.lead !== undefined) write(section.lead);
  write(meta);
  for (const section of sections) {
    write(`\n${section.title} (${section.setup})\n`);
    write(
      renderTable(
        section.table.headers.map((h, i) => ({ header: h, align: i === 0 ? 'left' : 'right' })),
        section.table.rows,
      ),
    );
    write(`\n${section.verdict}`);
  }
  if (footer !== undefined) write(`\n${footer}`);
  write(`\nReport: ${path}`);
  return 0;
}
