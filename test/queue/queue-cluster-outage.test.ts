// A Redis Cluster whose node serving the queue's slot goes down and comes back: the
// worker and the executor wait for it without spinning, and tasks submitted meanwhile
// are kept, not refused, and run once the node is back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueBackendError } from 'concur';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { freshQueue, startWorker } from './harness.ts';
import { forThisFile, startLocalCluster } from './redis-topologies.ts';

const cluster = forThisFile(() => startLocalCluster(3));

/** CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Share of one core `usage()` grew by over `ms` of wall time. */
async function coreShare(usage: () => number, ms: number): Promise<number> {
  const cpu = usage();
  const start = performance.now();
  await sleep(ms);
  return (usage() - cpu) / (performance.now() - start);
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// Well above an idle wait (a few %), well below the spin it guards against (95% of a core).
const MAX_SHARE = 0.3;

describe("a Redis Cluster whose queue's node is down", () => {
  test('worker and executor wait for the node with little CPU, then run jobs again', async (t) => {
    const { nodes, workerArgs } = cluster();
    const queue = freshQueue('node-down');
    const worker = await startWorker(workerArgs, queue);
    const executor = new QueueExecutor({ connection: { cluster: nodes }, queue });
    const node = await cluster().masterOf('{concur}');
    try {
      assert.equal(await executor.submit(add, 1, 2), 3);
      await node.stop();
      // Past cluster-node-timeout (2 s), the other nodes answer CLUSTERDOWN: both outages count.
      const workerShare = await coreShare(() => cpuMsOf(worker.pid), 4000);
      const executorShare = await coreShare(ownCpuMs, 2000);
      t.diagnostic(`core share while down: worker ${workerShare}, executor ${executorShare}`);
      assert.ok(workerShare < MAX_SHARE, `the worker used ${workerShare} of a core`);
      assert.ok(executorShare < MAX_SHARE, `the executor used ${executorShare} of a core`);
      await node.restart();
      assert.equal(await executor.submit(add, 2, 3), 5);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop();
    }
  });
});

describe("a task submitted while the queue's cluster node is down", () => {
  test('waits for the node and resolves with its value once the node is back', async () => {
    const { nodes, workerArgs } = cluster();
    const queue = freshQueue('submit-while-down');
    const worker = await startWorker(workerArgs, queue);
    const executor = new QueueExecutor({ connection: { cluster: nodes }, queue });
    const node = await cluster().masterOf('{concur}');
    try {
      await executor.ready();
      await node.stop();
      const future = executor.submit(add, 4, 5);
      let settled = false;
      future.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      // Long enough for the cluster client to give up on the command (16 redirections).
      await sleep(3000);
      assert.equal(settled, false, 'the future waits for the node');
      await node.restart();
      assert.equal(await future, 9);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop();
    }
  });
});

describe("shutdown() while the queue's cluster node is down", () => {
  test('gives a task it cannot add up after connectTimeoutMs, with Redis named', async () => {
    const { nodes } = cluster();
    const executor = new QueueExecutor({
      connection: { cluster: nodes },
      queue: freshQueue('shutdown-while-down'),
      connectTimeoutMs: 1000,
    });
    const node = await cluster().masterOf('{concur}');
    try {
      await executor.ready();
      await node.stop();
      const future = executor.submit(add, 1, 1);
      await executor.shutdown();
      await assert.rejects(
        future,
        (error: unknown) =>
          error instanceof QueueBackendError &&
          /^The Redis Cluster at 127\.0\.0\.1:\d+.* refused job /.test(error.message),
      );
    } finally {
      await node.restart();
    }
  });
});
