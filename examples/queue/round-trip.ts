// What a task costs through Redis: starts a private redis-server and two local
// `concur worker` processes, then times tiny tasks one at a time, many in flight, and
// a map, next to a ThreadPoolExecutor on the same tasks.
//   node --import tsx examples/queue/round-trip.ts
import { fileURLToPath } from 'node:url';
import { type Executor, ThreadPoolExecutor } from 'concur';
import { startLocalQueueCluster } from 'concur-queue';
import { add, square } from '../../test/fixtures/queue/tasks.ts';

const TASKS = fileURLToPath(new URL('../../test/fixtures/queue/tasks.ts', import.meta.url));

async function measure(label: string, ex: Executor): Promise<void> {
  await Promise.all(Array.from({ length: 50 }, (_, i) => ex.submit(add, i, 1))); // warm up
  const one: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await ex.submit(add, i, 1);
    one.push(performance.now() - t);
  }
  one.sort((a, b) => a - b);
  let t = performance.now();
  await Promise.all(Array.from({ length: 2000 }, (_, i) => ex.submit(add, i, 1)));
  const inFlight = (performance.now() - t) / 2000;
  t = performance.now();
  let n = 0;
  for await (const _ of ex.map(
    square,
    Array.from({ length: 100_000 }, (_, i) => i),
  ))
    n++;
  const perItem = ((performance.now() - t) * 1000) / n;
  console.log(
    `${label.padEnd(34)} one at a time: median ${one[100]!.toFixed(2)} ms | ` +
      `2000 in flight: ${inFlight.toFixed(3)} ms/task | map 100k: ${perItem.toFixed(2)} us/item`,
  );
}

const cluster = await startLocalQueueCluster({
  tasks: TASKS,
  workerProcesses: 2,
  model: 'async',
  concurrency: 64,
});
try {
  await measure('queue (redis, 2 local workers)', cluster.executor);
} finally {
  await cluster.close();
}
const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
try {
  await measure('thread (2 workers)', threads);
} finally {
  await threads.shutdown();
}
