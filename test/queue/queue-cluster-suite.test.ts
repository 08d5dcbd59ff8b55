// The shared executor suite (test/shared/) on a local 3-master Redis Cluster: two
// `concur worker` processes given the cluster's nodes (--cluster), and executors given
// `connection: { cluster }`; the default prefix gets its hash tag on both sides.
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { QueueExecutor, v8Codec } from '../../packages/queue/src/index.ts';
import { executorSuite } from '../shared/executor-suite.ts';
import { freshQueue, startWorker, type WorkerProcess } from './harness.ts';
import { type LocalCluster, startLocalCluster } from './redis-topologies.ts';

const SUITE_TASKS = fileURLToPath(new URL('../fixtures/suite-tasks.ts', import.meta.url));
const queue = freshQueue('cluster-suite');
let cluster: LocalCluster | undefined;
let workers: WorkerProcess[] = [];

before(async () => {
  cluster = await startLocalCluster(3);
  const args = ['--tasks', SUITE_TASKS, '--model', 'thread', '--workers', '2', '--codec', 'v8'];
  workers = await Promise.all([
    startWorker(cluster.workerArgs, queue, args),
    startWorker(cluster.workerArgs, queue, args),
  ]);
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await cluster?.stop();
});

executorSuite(
  'queue on a Redis Cluster',
  (options) =>
    new QueueExecutor({
      connection: { cluster: cluster!.nodes },
      queue,
      codec: v8Codec,
      capacity: 4,
      reconcileIntervalMs: 500,
      removeCompletedAfterMs: 1000,
      ...options,
    }),
  // As in queue-suite.test.ts.
  // Each worker holds as many jobs again as its 2 slots while jobs are short.
  { capacity: 4, runtime: 'pool', longMapItems: 250_000, heldAhead: 4 },
);
