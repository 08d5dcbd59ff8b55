import { forRuntime } from '../adapters/index.mjs';
import { interleave, warmUp } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';

export const id = 'a';
export const title = 'Burst throughput: tiny tasks submitted at once';

export async function run({ config, log }) {
  const n = config.burst.tasks;
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(`a. burst of ${n} x inc, ${runtime === 'thread' ? 'threads' : 'processes'}`);
    const samples = await interleave(
      config.rounds,
      forRuntime(runtime),
      async (adapter) => {
        const pool = adapter.create(config.poolSize, runtime);
        try {
          await warmUp(pool, config.poolSize);
          const promises = new Array(n);
          const start = performance.now();
          for (let i = 0; i < n; i++) promises[i] = pool.run('inc', i);
          const results = await Promise.all(promises);
          const ms = performance.now() - start;
          if (results[n - 1] !== n) throw new Error(`${adapter.name} returned ${results[n - 1]}`);
          return (n / ms) * 1000;
        } finally {
          await pool.destroy();
        }
      },
      log,
    );
    out[runtime] = { throughput: metric('tasks/s', 'higher', samples) };
  }
  return out;
}
