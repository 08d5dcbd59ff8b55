import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forRuntime } from '../adapters/index.mjs';
import { interleave, pluck } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';

export const id = 'g';
export const title = 'Memory per idle worker';

const probe = fileURLToPath(new URL('../lib/memory-probe.mjs', import.meta.url));
const run$ = promisify(execFile);

export async function run({ config, log }) {
  const workers = config.memory.workers;
  const out = { workers };
  for (const runtime of ['thread', 'process']) {
    log(
      `g. RSS added per idle worker, pool of ${workers} ${runtime === 'thread' ? 'threads' : 'processes'}, each in a fresh process`,
    );
    const samples = await interleave(
      config.memoryRounds,
      forRuntime(runtime),
      async (adapter) => {
        const { stdout } = await run$(process.execPath, [
          '--expose-gc',
          probe,
          adapter.name,
          runtime,
          String(workers),
        ]);
        return JSON.parse(stdout);
      },
      log,
    );
    out[runtime] = {
      rss: metric('MiB RSS per worker', 'lower', pluck(samples, 'rssMiB')),
      pss: metric('MiB PSS per worker', 'lower', pluck(samples, 'pssMiB')),
    };
  }
  return out;
}
