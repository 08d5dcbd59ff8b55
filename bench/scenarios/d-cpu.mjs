import { forRuntime } from '../adapters/index.mjs';
import { interleave } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { search } from '../workers/tasks.mjs';

export const id = 'd';
export const title = 'CPU-bound search: speedup over sequential';

/** Finds the needle count that makes one search task take about `taskMs` here. */
function calibrate(size, taskMs) {
  search([50, size, 7]);
  let needles = 50;
  for (;;) {
    const start = performance.now();
    search([needles, size, 7]);
    const ms = performance.now() - start;
    if (ms > 20) return Math.max(1, Math.round((needles * taskMs) / ms));
    needles *= 2;
  }
}

export async function run({ config, log }) {
  const { tasks, taskMs, size, workers } = config.cpu;
  const needles = calibrate(size, taskMs);
  const specs = Array.from({ length: tasks }, (_, i) => [needles, size, i + 1]);
  const sequential = () => {
    const start = performance.now();
    let found = 0;
    for (const spec of specs) found += search(spec);
    return { ms: performance.now() - start, found };
  };
  const expected = sequential().found;
  const out = { needles, size, tasks };
  for (const runtime of ['thread', 'process']) {
    log(
      `d. ${tasks} search tasks of ~${taskMs} ms (${needles} needles), ${runtime === 'thread' ? 'threads' : 'processes'}`,
    );
    const contenders = [{ name: 'sequential' }, ...forRuntime(runtime)];
    const samples = await interleave(
      config.cpuRounds,
      contenders,
      async (adapter) => {
        if (adapter.name === 'sequential') return { ms: sequential().ms };
        const result = {};
        for (const count of workers) {
          const pool = adapter.create(count, runtime);
          try {
            // Every worker builds its haystack before the clock starts.
            await Promise.all(
              Array.from({ length: count * 4 }, (_, i) => pool.run('search', [1, size, i + 1])),
            );
            const start = performance.now();
            const found = await Promise.all(specs.map((spec) => pool.run('search', spec)));
            result[count] = performance.now() - start;
            const total = found.reduce((a, b) => a + b, 0);
            if (total !== expected)
              throw new Error(`${adapter.name} found ${total}, not ${expected}`);
          } finally {
            await pool.destroy();
          }
        }
        return result;
      },
      log,
    );
    const seq = samples.sequential.map((s) => s.ms);
    const byWorkers = {};
    for (const count of workers) {
      const speedups = {};
      for (const [name, values] of Object.entries(samples)) {
        if (name === 'sequential') continue;
        speedups[name] = values.map((v, round) => seq[round] / v[count]);
      }
      byWorkers[`speedup${count}`] = metric('x', 'higher', speedups);
    }
    out[runtime] = { sequentialMs: metric('ms', 'lower', { sequential: seq }), ...byWorkers };
  }
  return out;
}
