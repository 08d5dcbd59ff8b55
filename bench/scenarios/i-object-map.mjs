import { forRuntime } from '../adapters/index.mjs';
import { interleave, warmUp } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { makeRecords } from '../lib/records.mjs';

export const id = 'i';
export const title =
  'map over objects of about 1 KB (nested, with strings), consumed with for await';

/**
 * Real payloads are not numbers: cloning a nested object costs far more than cloning an
 * integer, so this map measures what scenario c hides. Every contender gets all the items:
 * concur and raw through their map, the peers one task per item, all submitted at once.
 */
export async function run({ config, log }) {
  const n = config.objectMap.items;
  const records = makeRecords(n);
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(
      `i. map of score over ${n} objects of ~1 KB, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    );
    const samples = await interleave(
      config.mapRounds,
      forRuntime(runtime),
      async (adapter) => {
        const pool = adapter.create(config.poolSize, runtime);
        try {
          await warmUp(pool, config.poolSize);
          const start = performance.now();
          let count = 0;
          let last;
          for await (const summary of pool.map('score', records)) {
            count++;
            last = summary;
          }
          const ms = performance.now() - start;
          if (count !== n || last?.id !== n - 1 || typeof last.label !== 'string') {
            throw new Error(
              `${adapter.name} map gave ${count} results, last ${JSON.stringify(last)}`,
            );
          }
          return ms;
        } finally {
          await pool.destroy();
        }
      },
      log,
    );
    out[runtime] = { time: metric(`ms per ${n} objects`, 'lower', samples) };
  }
  return out;
}
