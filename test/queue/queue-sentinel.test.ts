// Redis Sentinel: a master, two replicas and three sentinels on loopback. The master is
// killed while tasks run and wait; a replica is promoted, and every future settles with
// the right value (delivery is at least once: a task may run twice, never zero times).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnection } from '../../packages/queue/src/connection.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { openRedis } from '../../packages/queue/src/redis-client.ts';
import { sleep, square } from '../fixtures/queue/tasks.ts';
import { freshQueue, startWorker, until } from './harness.ts';
import { forThisFile, startLocalSentinels } from './redis-topologies.ts';

const setup = forThisFile(() => startLocalSentinels(2, 3));

// The race a failover can lose: the client lost its master and is asking the sentinels
// for the new one when +switch-master arrives. ioredis's failover detector then closes
// the connector under that request, and the client ends for good. The request is made
// to lose here (ioredis internals: its connector's resolve step), every time.
test('a connection that ioredis gives up in a failover connects again', async () => {
  const { sentinels, name } = setup();
  const client = openRedis(parseConnection({ sentinels, name }), 'test:ends') as Redis;
  client.on('error', () => {});
  const connector = (client as unknown as { connector: SentinelConnectorInternals }).connector;
  try {
    await until('the client to be ready', () => client.status === 'ready');
    await until(
      'the failover detector to subscribe',
      () => connector.failoverDetector !== undefined,
    );
    const resolve = connector.resolve.bind(connector);
    let raced = 0;
    connector.resolve = async (endpoint) => {
      const address = await resolve(endpoint);
      if (raced++ === 0) connector.failoverDetector!.disconnect();
      return address;
    };
    const statuses: string[] = [];
    client.on('end', () => statuses.push('end'));
    client.on('ready', () => statuses.push('ready'));
    client.disconnect(true);
    await until('the client to end, then be ready again', () => statuses.join(' ') === 'end ready');
    assert.equal(await client.ping(), 'PONG');
  } finally {
    client.disconnect();
  }
});

interface SentinelConnectorInternals {
  failoverDetector?: { disconnect(): void };
  resolve(endpoint: unknown): Promise<unknown>;
}

test('a failover is waited out: a replica is promoted and every future settles', async () => {
  const { sentinels, name, workerArgs, master, replicas } = setup();
  const queue = freshQueue('sentinel');
  const workers = await Promise.all([
    startWorker(workerArgs, queue, ['--workers', '2']),
    startWorker(workerArgs, queue, ['--workers', '2']),
  ]);
  const executor = new QueueExecutor({
    connection: { sentinels, name },
    queue,
    reconcileIntervalMs: 500,
  });
  try {
    await executor.ready();
    assert.equal(await executor.submit(square, 3), 9, 'runs before the failover');
    // Some tasks are running and some waiting when the master goes.
    const before = Array.from({ length: 20 }, (_, i) => executor.submit(sleep, 300, i));
    await until('a task to start', () => executor.stats().busyWorkers > 0);
    await master.stop();
    const during = Array.from({ length: 20 }, (_, i) => executor.submit(square, i));
    await until(
      'the sentinels to promote a replica',
      async () => {
        const port = await setup().masterPort();
        return replicas.some((r) => r.port === port);
      },
      30_000,
    );
    assert.deepEqual(
      await Promise.all(before),
      before.map((_, i) => i),
    );
    assert.deepEqual(
      await Promise.all(during),
      during.map((_, i) => i * i),
    );
    assert.equal(await executor.submit(square, 12), 144, 'runs after the failover');
  } finally {
    await executor.shutdown({ cancelPending: true });
    await Promise.all(workers.map((w) => w.stop()));
  }
});

test('a master name the sentinels do not know is named in the error, with what to fix', async () => {
  const { sentinels } = setup();
  const executor = new QueueExecutor({
    connection: { sentinels, name: 'no-such-master' },
    queue: freshQueue('sentinel-name'),
    connectTimeoutMs: 1500,
  });
  try {
    await assert.rejects(executor.submit(square, 2), (error: Error) => {
      assert.equal(error.name, 'QueueBackendError');
      assert.match(error.message, /No such master with that name/);
      assert.match(
        error.message,
        /Check the connection's `name`: it must be a master name the sentinels monitor/,
      );
      return true;
    });
  } finally {
    await executor.shutdown({ cancelPending: true });
  }
});
