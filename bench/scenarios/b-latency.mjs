import { forRuntime } from '../adapters/index.mjs';
import { interleave, pluck, warmUp } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { percentile } from '../lib/stats.mjs';

export const id = 'b';
export const title = 'Round-trip latency: one task at a time';

export async function run({ config, log }) {
  const n = config.latency.calls;
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(`b. ${n} sequential round trips of inc, ${runtime === 'thread' ? 'threads' : 'processes'}`);
    const samples = await interleave(
      config.rounds,
      forRuntime(runtime),
      async (adapter) => {
        const pool = adapter.create(config.poolSize, runtime);
        try {
          await warmUp(pool, config.poolSize);
          const times = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const start = performance.now();
            await pool.run('inc', i);
            times[i] = (performance.now() - start) * 1000;
          }
          return { p50: percentile(times, 50), p99: percentile(times, 99) };
        } finally {
          await pool.destroy();
        }
      },
      log,
    );
    out[runtime] = {
      p50: metric('µs', 'lower', pluck(samples, 'p50')),
      p99: metric('µs', 'lower', pluck(samples, 'p99')),
    };
  }
  return out;
}
