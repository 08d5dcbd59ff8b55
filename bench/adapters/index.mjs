import * as concur from './concur.mjs';
import * as piscina from './piscina.mjs';
import * as poolifier from './poolifier.mjs';
import * as raw from './raw.mjs';
import * as tinypool from './tinypool.mjs';
import * as workerpool from './workerpool.mjs';

/** Every pool adapter: `create(poolSize, runtime)` returns `{ run(task, arg), map(task, items), destroy() }`. */
export const adapters = [concur, poolifier, piscina, tinypool, workerpool, raw].filter(
  (adapter) => adapter.available !== false,
);

export const PEERS = ['poolifier', 'piscina', 'tinypool', 'workerpool'];

export function forRuntime(runtime) {
  return adapters.filter((adapter) => adapter.runtimes.includes(runtime));
}
