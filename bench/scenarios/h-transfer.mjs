import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import * as concur from '../../packages/concur/dist/index.js';
import { interleave } from '../lib/interleave.mjs';
import { metric } from '../lib/metric.mjs';
import { median } from '../lib/stats.mjs';
import { copyBack, moveBack } from '../workers/transfer-tasks.mjs';

export const id = 'h';
export const title = 'Transfer: 64 MB into a thread task and back out';

const piscinaTask = new URL('../workers/piscina-transfer.mjs', import.meta.url).href;
const rawTask = new URL('../workers/raw-transfer.mjs', import.meta.url);

/**
 * Each contender makes `trip(bytes)`: send the array to a worker, which changes a byte and
 * sends it back. Moving contenders get their array back and send it again; `copy` (concur
 * without transfer()) clones it both ways, which is what a call costs without the marker.
 */
const contenders = [
  {
    name: 'concur',
    create() {
      const ex = new concur.ThreadPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
      return {
        trip: (bytes) => ex.submit(moveBack, concur.transfer(bytes)),
        destroy: () => ex.shutdown(),
      };
    },
  },
  {
    name: 'piscina',
    create() {
      const pool = new Piscina({ filename: piscinaTask, minThreads: 1, maxThreads: 1 });
      return { trip: (bytes) => pool.run(Piscina.move(bytes)), destroy: () => pool.destroy() };
    },
  },
  {
    name: 'copy',
    create() {
      const ex = new concur.ThreadPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
      return { trip: (bytes) => ex.submit(copyBack, bytes), destroy: () => ex.shutdown() };
    },
  },
  {
    name: 'raw',
    create() {
      const worker = new Worker(rawTask);
      return {
        async trip(bytes) {
          const back = once(worker, 'message');
          worker.postMessage(bytes, [bytes.buffer]);
          return (await back)[0];
        },
        destroy: () => worker.terminate(),
      };
    },
  },
];

export async function run({ config, log }) {
  const size = config.transfer.megabytes * 1024 * 1024;
  const trips = config.transfer.trips;
  log(`h. ${config.transfer.megabytes} MB in and out of a thread task, ${trips} trips a round`);
  const samples = await interleave(
    config.rounds,
    contenders,
    async (contender) => {
      const pool = contender.create();
      try {
        let bytes = new Uint8Array(size);
        bytes = await pool.trip(bytes); // starts the worker and loads the task
        const times = [];
        for (let i = 0; i < trips; i++) {
          const start = performance.now();
          bytes = await pool.trip(bytes);
          times.push(performance.now() - start);
        }
        if (bytes.byteLength !== size || bytes[0] !== (trips + 1) % 256)
          throw new Error(
            `${contender.name} returned ${bytes.byteLength} bytes, first ${bytes[0]}`,
          );
        return median(times);
      } finally {
        await pool.destroy();
      }
    },
    log,
  );
  return { thread: { time: metric('ms', 'lower', samples) } };
}
