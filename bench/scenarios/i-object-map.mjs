import { deserialize, serialize } from 'node:v8';
import { forRuntime } from '../adapters/index.mjs';
import { interleave, warmUp } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { makeRecords } from '../lib/records.mjs';
import { score } from '../workers/tasks.mjs';

export const id = 'i';
export const title =
  'map over objects of about 1 KB (nested, with strings), consumed with for await';

/**
 * The main-thread floor: the part of the work no pool can hand to its workers. The items
 * live in the main thread's heap, so it must read each one once to copy it out (V8's
 * serializer, which postMessage and concur's pipes use), and read each result back. On
 * 10,000 records of 1 KB that is ~40 ms on an AMD EPYC core whatever the pool, so no pool
 * can be faster than a peer by more than (the peer's time / the floor) on this payload.
 */
function floor(records, summaryBytes) {
  const start = performance.now();
  for (let i = 0; i < records.length; i += CHUNK) serialize(records.slice(i, i + CHUNK));
  let count = 0;
  for (const bytes of summaryBytes) count += deserialize(bytes).length;
  const ms = performance.now() - start;
  if (count !== records.length) throw new Error(`floor read ${count} summaries`);
  return ms;
}

/** Items per copy in the floor, as a pool's map would batch them. */
const CHUNK = 1_000;

const floorContender = { name: 'floor' };

/**
 * Real payloads are not numbers: cloning a nested object costs far more than cloning an
 * integer, so this map measures what scenario c hides. Every contender gets all the items:
 * concur and raw through their map, the peers one task per item, all submitted at once.
 */
export async function run({ config, log }) {
  const n = config.objectMap.items;
  const records = makeRecords(n);
  // The summaries are copied out by the workers: the floor only reads them back.
  const summaryBytes = [];
  for (let i = 0; i < n; i += CHUNK) {
    summaryBytes.push(serialize(records.slice(i, i + CHUNK).map(score)));
  }
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(
      `i. map of score over ${n} objects of ~1 KB, ${runtime === 'thread' ? 'threads' : 'processes'}`,
    );
    const samples = await interleave(
      config.mapRounds,
      [...forRuntime(runtime), floorContender],
      async (adapter) => {
        if (adapter === floorContender) return floor(records, summaryBytes);
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
