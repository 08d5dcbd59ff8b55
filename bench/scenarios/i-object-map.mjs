import { availableParallelism } from 'node:os';
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
 * The floor: the least CPU any pool must spend, spread as well as this host allows. The
 * records live in the main thread's heap, so it must copy each one out once (V8's
 * serializer, which postMessage and concur's pipes use) and read each summary back; the
 * workers must read each record, score it and copy its summary out. On 2 cores the main
 * thread and the workers share the CPU, so the floor is the larger of the main thread's
 * part, the workers' part over the pool, and the whole over the cores. No pool can be
 * faster than a peer by more than (the peer's time / the floor) on this payload.
 */
function floor(records, poolSize) {
  const chunks = [];
  let start = performance.now();
  for (let i = 0; i < records.length; i += CHUNK)
    chunks.push(serialize(records.slice(i, i + CHUNK)));
  let main = performance.now() - start;
  start = performance.now();
  const summaries = chunks.map((bytes) => serialize(deserialize(bytes).map(score)));
  const workers = performance.now() - start;
  start = performance.now();
  let count = 0;
  for (const bytes of summaries) count += deserialize(bytes).length;
  main += performance.now() - start;
  if (count !== records.length) throw new Error(`floor read ${count} summaries`);
  return Math.max(
    main,
    workers / poolSize,
    (main + workers) / Math.min(availableParallelism(), poolSize + 1),
  );
}

/** Items per copy in the floor, as a pool's map would batch them. */
const CHUNK = 500;

const floorContender = { name: 'floor' };

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
      [...forRuntime(runtime), floorContender],
      async (adapter) => {
        if (adapter === floorContender) return floor(records, config.poolSize);
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
