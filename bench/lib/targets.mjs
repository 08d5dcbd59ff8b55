import { PEERS } from '../adapters/index.mjs';
import { best } from './metric.mjs';

/**
 * The targets, each read from the run's own ratios (medians over rounds of
 * per-round ratios). `measured` is expressed the way the target is phrased.
 */
export function evaluateTargets(results) {
  const rows = [];
  const add = (target, runtime, measured, goal, met, note) =>
    rows.push({ target, runtime, measured, goal, met, note });
  const runtimes = ['thread', 'process'];

  for (const runtime of runtimes) {
    const m = results.a?.[runtime]?.throughput;
    if (m?.ratios && m.medians.concur !== undefined) {
      const peer = best(m, PEERS);
      const r = m.ratios[peer];
      add('a. burst throughput vs best peer', runtime, `${fmt(r)}x ${peer}`, '≥ 3x', r >= 3);
    }
  }
  for (const runtime of runtimes) {
    const m = results.b?.[runtime]?.p50;
    if (m?.medians.concur !== undefined) {
      const peer = best(m, PEERS);
      const r = m.ratios[peer];
      add('b. p50 latency vs best peer', runtime, `${fmt(r)}x ${peer}`, '≤ 0.8x', r <= 0.8);
    }
  }
  for (const runtime of runtimes) {
    const m = results.c?.[runtime]?.time;
    if (m?.medians.concur !== undefined) {
      const peer = best(m, PEERS);
      const faster = 1 / m.ratios[peer];
      add(
        'c. map vs best peer task by task',
        runtime,
        `${fmt(faster)}x faster than ${peer}`,
        '≥ 100x',
        faster >= 100,
      );
      const r = m.ratios.floor;
      add('c. map vs transport floor', runtime, `${fmt(r)}x floor`, '≤ 2x', r <= 2);
    }
  }
  for (const runtime of runtimes) {
    const m = results.i?.[runtime]?.time;
    if (m?.medians.concur !== undefined) {
      const peer = best(m, PEERS);
      const faster = 1 / m.ratios[peer];
      // The most any pool could reach here: the peer's time over the floor (i-object-map.mjs).
      const floor = m.medians.floor;
      const bound =
        floor === undefined ? '' : `; the floor allows ${fmt(m.medians[peer] / floor)}x`;
      add(
        'i. object map vs best peer task by task',
        runtime,
        `${fmt(faster)}x faster than ${peer}${bound}`,
        '≥ 10x',
        faster >= 10,
      );
    }
  }
  for (const runtime of runtimes) {
    const m = results.d?.[runtime]?.speedup2;
    if (m?.medians.concur !== undefined) {
      // The rule: 1.9x, or within 3% of the bare workers measured in the same run
      // (the VM, not the pool, sets the ceiling: bench/ceiling.mjs).
      const s = m.medians.concur;
      const raw = m.medians.raw;
      const nearRaw = raw !== undefined && s >= 0.97 * raw;
      add(
        'd. CPU speedup at 2 workers',
        runtime,
        raw === undefined ? `${fmt(s)}x` : `${fmt(s)}x (bare workers ${fmt(raw)}x)`,
        '≥ 1.9x or ≥ 0.97x bare',
        s >= 1.9 || nearRaw,
      );
    }
  }
  for (const runtime of runtimes) {
    const m = results.e?.[runtime]?.time;
    if (m?.medians.concur !== undefined) {
      const peer = best(m, PEERS);
      const r = m.ratios[peer];
      add('e. first result vs best peer', runtime, `${fmt(r)}x ${peer}`, '≤ 1x', r <= 1);
    }
  }
  const h = results.h?.thread?.time;
  if (h?.medians.concur !== undefined) {
    const faster = 1 / h.ratios.copy;
    add('h. 64 MB moved vs copied', 'thread', `${fmt(faster)}x faster`, '≥ 20x', faster >= 20);
    const r = h.ratios.piscina;
    add('h. 64 MB moved vs Piscina.move', 'thread', `${fmt(r)}x piscina`, '≤ 1.1x', r <= 1.1);
  }
  if (results.f?.unlimited) {
    const r = results.f.unlimited.ratios['Promise.all'];
    add('f. AsyncExecutor vs Promise.all', 'async', `${fmt(r)}x`, '≤ 1.1x', r <= 1.1);
    const i = results.f.limited.ratioToIdeal;
    add('f. concurrency 10 vs ideal', 'async', `${fmt(i)}x`, '≤ 1.05x', i <= 1.05);
  }
  return rows;
}

function fmt(x) {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
