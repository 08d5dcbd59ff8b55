import { forRuntime } from '../adapters/index.mjs';
import { interleave } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';

export const id = 'e';
export const title = 'Time from constructor to first result';

export async function run({ config, log }) {
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(
      `e. new pool of ${config.poolSize} -> first inc result, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    );
    const contenders = forRuntime(runtime);
    const once = async (adapter) => {
      const start = performance.now();
      const pool = adapter.create(config.poolSize, runtime);
      try {
        await pool.run('inc', 1);
        return performance.now() - start;
      } finally {
        await pool.destroy();
      }
    };
    // One unmeasured start each, so that loading the library's own modules is not counted.
    for (const adapter of contenders) await once(adapter);
    const samples = await interleave(config.rounds, contenders, once, log);
    out[runtime] = { time: metric('ms', 'lower', samples) };
  }
  return out;
}
