import os from 'node:os';
import { hostLine } from './host.mjs';

/** Machine facts for the results header. */
export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus[0]?.model ?? 'unknown CPU'} x ${os.availableParallelism?.() ?? cpus.length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  };
}

function num(x) {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function ratio(x) {
  return x === undefined || !Number.isFinite(x) ? '' : ` (${num(x)})`;
}

/**
 * A Markdown table with padded columns, laid out exactly as the repository's formatter
 * (biome) would, so that the generated docs/performance.md passes `npm run lint` untouched.
 */
function table(header, rightAligned, rows) {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const cell = (text, c) => (rightAligned[c] ? text.padStart(widths[c]) : text.padEnd(widths[c]));
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (rightAligned[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** One row per contender and one column per (runtime, metric). */
function metricTable(columns) {
  const names = [];
  for (const { metric } of columns) {
    for (const name of Object.keys(metric.medians)) if (!names.includes(name)) names.push(name);
  }
  return table(
    ['', ...columns.map((c) => `${c.label} (${c.metric.unit})`)],
    [false, ...columns.map(() => true)],
    names.map((name) => [
      name,
      ...columns.map((c) => `${num(c.metric.medians[name])}${ratio(c.metric.ratios?.[name])}`),
    ]),
  );
}

const SCENARIO_COLUMNS = {
  a: [['throughput', 'burst']],
  b: [
    ['p50', 'p50'],
    ['p99', 'p99'],
  ],
  c: [['time', 'map']],
  d: [
    ['speedup1', '1 worker'],
    ['speedup2', '2 workers'],
    ['speedup4', '4 workers'],
  ],
  e: [['time', 'first result']],
  h: [['time', 'round trip']],
  i: [['time', 'object map']],
  g: [
    ['rss', 'RSS'],
    ['pss', 'PSS'],
  ],
};

export function markdown({
  date,
  host,
  machine: m,
  config,
  results,
  titles,
  targets,
  seconds,
  notes,
}) {
  const out = [hostLine(host, notes?.loadAverage), ''];
  out.push(
    `Measured ${date} by \`npm run bench\` on ${m.cpu}, ${m.memory}, ${m.platform}, Node ${m.node}; ` +
      `pool size ${config.poolSize}, ${config.rounds} rounds with contenders interleaved ` +
      `(the run took ${Math.round(seconds)} s). Each cell is the median over rounds; in brackets, ` +
      `concur's value divided by that contender's, as the median of per-round ratios.`,
  );
  const remarks = [];
  if (notes?.loadAverage !== undefined) {
    remarks.push(
      `A load average above the ${m.cpu.split(' x ').pop()} cores means other programs competed for the CPU and every figure is noisier.`,
    );
  }
  if (notes?.poolifierStuckDestroys > 0) {
    remarks.push(
      `poolifier's destroy() hung ${notes.poolifierStuckDestroys} times; its workers were terminated by hand.`,
    );
  }
  if (notes?.droppedEnv?.length > 0) {
    remarks.push(
      `Removed from the environment before measuring, for every contender: ${notes.droppedEnv.join(', ')} ` +
        '(it slows every child process start; tinypool does not pass the environment on to its processes).',
    );
  }
  if (remarks.length > 0) out.push('', remarks.join(' '));
  if (targets.length > 0) {
    out.push(
      '',
      table(
        ['target', 'runtime', 'measured', 'goal', 'met'],
        [false, false, false, false, false],
        targets.map((t) => [t.target, t.runtime, t.measured, t.goal, t.met ? 'yes' : '**no**']),
      ),
    );
  }
  for (const [id, result] of Object.entries(results)) {
    out.push('', `**${id}. ${titles[id]}**`, '');
    if (id === 'f') {
      out.push(
        metricTable([
          { label: 'no limit', metric: result.unlimited },
          { label: `concurrency ${result.concurrency}`, metric: result.limited },
        ]),
      );
      out.push(
        '',
        `${result.downloads} downloads of ${result.latencyMs} ms each; ideal at concurrency ${result.concurrency}: ${result.limited.ideal} ms.`,
      );
      continue;
    }
    const columns = [];
    for (const runtime of ['thread', 'process']) {
      for (const [key, label] of SCENARIO_COLUMNS[id] ?? []) {
        const metric = result[runtime]?.[key];
        if (metric !== undefined)
          columns.push({
            label: `${runtime === 'thread' ? 'threads' : 'processes'} ${label}`,
            metric,
          });
      }
    }
    out.push(metricTable(columns));
    if (id === 'c') {
      out.push(
        '',
        `concur and raw map all ${config.map.items.toLocaleString('en-US')} items; peers send each item as a task over ${config.map.peerItems.toLocaleString('en-US')} items, time scaled.`,
      );
    }
    if (id === 'i') {
      out.push(
        '',
        `${config.objectMap.items.toLocaleString('en-US')} customer records of about 1 KB as JSON (bench/lib/records.mjs) mapped to a summary object; concur and raw map them, peers send each record as its own task.`,
      );
    }
    if (id === 'd') {
      out.push(
        '',
        `${result.tasks} tasks of ${result.needles} linear searches in ${result.size.toLocaleString('en-US')} numbers; sequential median ${num(result.thread?.sequentialMs.medians.sequential)} ms.`,
      );
    }
  }
  return out.join('\n');
}
