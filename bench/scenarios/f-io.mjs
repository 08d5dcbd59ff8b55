import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import pMap from 'p-map';
import { AsyncExecutor } from '../../packages/concur/dist/index.js';
import { closeClient, download } from '../io/client.mjs';
import { download as downloadTask } from '../io/download-task.mjs';
import { interleave } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { medianRatio } from '../lib/stats.mjs';

export const id = 'f';
export const title = 'I/O: downloads from a local server with fixed latency';

const serverScript = fileURLToPath(new URL('../io/server.mjs', import.meta.url));

function startServer(latencyMs) {
  const child = fork(serverScript, [String(latencyMs)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', ({ port }) => resolve({ child, port }));
  });
}

async function concurAll(urls, concurrency) {
  const executor = new AsyncExecutor(concurrency === undefined ? {} : { concurrency });
  try {
    return await Promise.all(urls.map((url) => executor.submit(downloadTask, url)));
  } finally {
    await executor.shutdown();
  }
}

function contendersFor(concurrency) {
  const limited = concurrency !== undefined;
  return [
    { name: 'concur', go: (urls) => concurAll(urls, concurrency) },
    limited
      ? {
          name: 'p-limit',
          go: (urls) => {
            const limit = pLimit(concurrency);
            return Promise.all(urls.map((url) => limit(() => download(url))));
          },
        }
      : { name: 'Promise.all', go: (urls) => Promise.all(urls.map((url) => download(url))) },
    {
      name: 'p-map',
      go: (urls) => pMap(urls, download, { concurrency: concurrency ?? Number.POSITIVE_INFINITY }),
    },
  ];
}

export async function run({ config, log }) {
  const { downloads: n, latencyMs, concurrency } = config.io;
  const { child, port } = await startServer(latencyMs);
  const urls = Array.from({ length: n }, (_, i) => `http://127.0.0.1:${port}/file/${i}`);
  const out = { downloads: n, latencyMs, concurrency };
  try {
    const measure = async (contender) => {
      const start = performance.now();
      const sizes = await contender.go(urls);
      const ms = performance.now() - start;
      if (sizes.length !== n || sizes[n - 1] !== 1024) throw new Error(`${contender.name} failed`);
      return ms;
    };
    // Opens the keep-alive sockets, and runs each contender once, before anything is timed:
    // a first run also pays for compiling the contender's code (it once took concur 518 ms
    // against 180-220 ms after).
    for (const contender of contendersFor(undefined)) await contender.go(urls);

    log(`f. ${n} downloads at ${latencyMs} ms each, no limit`);
    const unlimited = await interleave(config.rounds, contendersFor(undefined), measure, log);
    out.unlimited = metric('ms', 'lower', unlimited);

    log(`f. ${n} downloads at ${latencyMs} ms each, concurrency ${concurrency}`);
    const limited = await interleave(config.ioRounds, contendersFor(concurrency), measure, log);
    const ideal = Math.ceil(n / concurrency) * latencyMs;
    out.limited = metric('ms', 'lower', limited);
    out.limited.ideal = ideal;
    out.limited.ratioToIdeal = medianRatio(
      limited.concur,
      limited.concur.map(() => ideal),
    );
  } finally {
    closeClient();
    child.disconnect();
    child.kill();
  }
  return out;
}
