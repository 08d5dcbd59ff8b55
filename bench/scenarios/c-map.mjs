import { forRuntime } from '../adapters/index.mjs';
import { interleave, warmUp } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';

export const id = 'c';
export const title = 'map over tiny items, consumed with for await';

/**
 * The transport floor: what any pool must at least do to move the items to a worker
 * and the results back, and hand them out one by one: clone the input once, compute,
 * clone the output once, and yield every result from an async generator.
 */
async function floor(items) {
  const input = structuredClone(items);
  const output = new Array(input.length);
  for (let i = 0; i < input.length; i++) output[i] = input[i] + 1;
  const back = structuredClone(output);
  async function* results() {
    for (let i = 0; i < back.length; i++) yield back[i];
  }
  let sum = 0;
  for await (const value of results()) sum += value;
  return sum;
}

const floorContender = { name: 'floor' };

export async function run({ config, log }) {
  const { items: n, peerItems } = config.map;
  const items = Array.from({ length: n }, (_, i) => i);
  const peerSlice = items.slice(0, peerItems);
  const out = {};
  for (const runtime of ['thread', 'process']) {
    log(
      `c. map of inc over ${n} items, ${runtime === 'thread' ? 'threads' : 'processes'} (peers task by task over ${peerItems}, scaled to ${n})`,
    );
    const samples = await interleave(
      config.mapRounds,
      [...forRuntime(runtime), floorContender],
      async (adapter) => {
        if (adapter === floorContender) {
          const start = performance.now();
          await floor(items);
          return performance.now() - start;
        }
        // Pools with a real map get all items; the others, which send every item as its
        // own task, get a slice and their time is scaled: a million tasks would take
        // them 20 s to 1 min per round.
        const batched = adapter.name === 'concur' || adapter.name === 'raw';
        const input = batched ? items : peerSlice;
        const pool = adapter.create(config.poolSize, runtime);
        try {
          await warmUp(pool, config.poolSize);
          const start = performance.now();
          let count = 0;
          let last;
          for await (const value of pool.map('inc', input)) {
            count++;
            last = value;
          }
          const ms = performance.now() - start;
          if (count !== input.length || last !== input.length) {
            throw new Error(`${adapter.name} map gave ${count} results, last ${last}`);
          }
          return (ms * n) / input.length;
        } finally {
          await pool.destroy();
        }
      },
      log,
    );
    out[runtime] = { time: metric(`ms per ${n} items`, 'lower', samples) };
  }
  return out;
}
