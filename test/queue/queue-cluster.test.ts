// Redis Cluster settings: the prefix's hash tag, and the wrong settings refused at once
// with what to set (one node's address for a cluster, a cluster's nodes for one server).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { QueueBackendError } from 'concur';
import { Cluster, Redis } from 'ioredis';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { FAST, freshQueue, redisForThisFile, startWorker, TASKS, until } from './harness.ts';
import { forThisFile, startLocalCluster } from './redis-topologies.ts';

const CLI = fileURLToPath(new URL('../../packages/queue/src/worker-cli.ts', import.meta.url));
const cluster = forThisFile(() => startLocalCluster(3));
const plain = redisForThisFile();

/** Runs `concur worker` with `args` until it exits by itself; resolves with its code and stderr. */
async function workerExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = once(child, 'exit') as Promise<[number | null]>;
  try {
    await until('the worker to exit by itself', () => child.exitCode !== null, 30_000);
  } finally {
    child.kill('SIGKILL');
  }
  const [code] = await exit;
  return { code, stderr };
}

/** EVALSHA and EVAL calls the node has run so far (BullMQ's scripts). */
async function scriptCalls(port: number): Promise<number> {
  const client = new Redis({ host: '127.0.0.1', port });
  try {
    const stats = await client.info('commandstats');
    let calls = 0;
    for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm))
      calls += Number(match[1]);
    return calls;
  } finally {
    client.disconnect();
  }
}

describe('a queue on a Redis Cluster', () => {
  test('the default prefix gets a hash tag: every key of the queue is in one slot', async () => {
    const { nodes, workerArgs } = cluster();
    const queue = freshQueue('tagged');
    const worker = await startWorker(workerArgs, queue);
    const executor = new QueueExecutor({ connection: { cluster: nodes }, queue });
    const reader = new Cluster([...nodes]);
    try {
      assert.equal(await executor.submit(add, 1, 2), 3);
      assert.equal(await reader.exists(`{concur}:${queue}:meta`), 1);
    } finally {
      reader.disconnect();
      await executor.shutdown();
      await worker.stop();
    }
  });

  test('a prefix with its own hash tag is kept as given, by executor and worker', async () => {
    const { nodes, workerArgs } = cluster();
    const queue = freshQueue('own-tag');
    const worker = await startWorker(workerArgs, queue, ['--prefix', 'app{jobs}']);
    const executor = new QueueExecutor({
      connection: { cluster: nodes },
      queue,
      prefix: 'app{jobs}',
    });
    const reader = new Cluster([...nodes]);
    try {
      assert.equal(await executor.submit(add, 2, 3), 5);
      assert.equal(await reader.exists(`app{jobs}:${queue}:meta`), 1);
    } finally {
      reader.disconnect();
      await executor.shutdown();
      await worker.stop();
    }
  });

  test("one node's address is refused at once: ready() and every submit say to give the nodes", async () => {
    const node = cluster().nodes[0]!;
    const executor = new QueueExecutor({
      connection: `redis://127.0.0.1:${node.port}`,
      queue: freshQueue('one-node'),
    });
    try {
      const refused = (error: unknown) =>
        error instanceof QueueBackendError &&
        /is a node of a Redis Cluster/.test(error.message) &&
        /cluster: \[\{ host, port \}/.test(error.message);
      await assert.rejects(executor.ready(), refused);
      await assert.rejects(executor.submit(add, 1, 2), refused);
      await assert.rejects(executor.submit(add, 3, 4), refused);
    } finally {
      await executor.shutdown({ cancelPending: true });
    }
  });

  test("a worker given one node's address exits with what to set, and runs no script", async () => {
    const node = cluster().nodes[1]!;
    const before = await scriptCalls(node.port);
    const { code, stderr } = await workerExit([
      '--connection',
      `redis://127.0.0.1:${node.port}`,
      '--queue',
      freshQueue('worker-one-node'),
      '--tasks',
      TASKS,
      ...FAST,
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /cannot start: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is a node of a Redis Cluster/,
    );
    assert.match(stderr, /--cluster HOST:PORT/);
    assert.equal(await scriptCalls(node.port), before, 'no BullMQ script ran on the node');
  });

  test('the cluster option given for a plain server is refused with what to set', async () => {
    const executor = new QueueExecutor({
      connection: { cluster: [{ host: '127.0.0.1', port: plain.port }] },
      queue: freshQueue('not-a-cluster'),
    });
    try {
      await assert.rejects(
        executor.submit(add, 1, 2),
        (error: unknown) =>
          error instanceof QueueBackendError &&
          /^The nodes given as a Redis Cluster \(127\.0\.0\.1:\d+\) are not one/.test(
            error.message,
          ) &&
          /redis:\/\/ URL/.test(error.message),
      );
    } finally {
      await executor.shutdown({ cancelPending: true });
    }
    const { code, stderr } = await workerExit([
      '--cluster',
      `127.0.0.1:${plain.port}`,
      '--queue',
      freshQueue('worker-not-a-cluster'),
      '--tasks',
      TASKS,
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /cannot start: The nodes given as a Redis Cluster .* are not one .*--connection URL/,
    );
  });
});
