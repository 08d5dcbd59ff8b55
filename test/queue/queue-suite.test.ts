// The shared executor suite (test/shared/), run on QueueExecutor with two `concur worker`
// processes (two threads each) on one queue; each executor follows only its own jobs.
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { QueueExecutor, v8Codec } from '../../packages/queue/src/index.ts';
import type { LocalRedis } from '../../packages/queue/src/local-redis.ts';
import { executorSuite } from '../shared/executor-suite.ts';
import { freshQueue, startLocalRedis, startWorker, type WorkerProcess } from './harness.ts';

const SUITE_TASKS = fileURLToPath(new URL('../fixtures/suite-tasks.ts', import.meta.url));
const queue = freshQueue('suite');
let redis: LocalRedis | undefined;
let workers: WorkerProcess[] = [];

before(async () => {
  redis = await startLocalRedis();
  const args = ['--tasks', SUITE_TASKS, '--model', 'thread', '--workers', '2', '--codec', 'v8'];
  workers = await Promise.all([
    startWorker(redis.url, queue, args),
    startWorker(redis.url, queue, args),
  ]);
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

executorSuite(
  'queue',
  (options) =>
    new QueueExecutor({
      connection: redis!.url,
      queue,
      codec: v8Codec,
      capacity: 4,
      reconcileIntervalMs: 500,
      // The suite's big map leaves hundreds of MB of chunks in Redis for the default hour.
      removeCompletedAfterMs: 1000,
      ...options,
    }),
  // Every item of the long map crosses Redis twice and a worker's thread boundary: 1M
  // items took 13 to 18 s on 2 quiet cores and 77 to 81 s on 2 cores at load 14 to 17.
  // Each worker holds as many jobs again as its 2 slots while jobs are short.
  { capacity: 4, runtime: 'pool', longMapItems: 250_000, heldAhead: 4 },
);
