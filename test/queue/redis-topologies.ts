// Redis Cluster and Sentinel setups for the queue tests: every server on a free loopback
// port, started by the test, and stopped by stop() (each through startLocalRedis's guard,
// so none outlives the test process even if it is killed).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { QueueNode } from '../../packages/queue/src/connection.ts';
import {
  freePort,
  type LocalRedis,
  startLocalRedis,
} from '../../packages/queue/src/local-redis.ts';
import { tempDir, until } from './harness.ts';

const run = promisify(execFile);

/** Distinct free ports: freePort() alone may hand out the same one twice. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Sends one command to 127.0.0.1:`port` on a short-lived connection. */
async function ask(port: number, ...command: [string, ...(string | number)[]]): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call(...command);
  } finally {
    client.disconnect();
  }
}

async function stopAll(servers: readonly LocalRedis[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
}

/** A Redis Cluster of masters only, on loopback. */
export interface LocalCluster {
  readonly nodes: readonly QueueNode[];
  /** `--cluster 127.0.0.1:PORT` for each node, for `concur worker`. */
  readonly workerArgs: readonly string[];
  /** The master that serves `key`'s slot (the default prefix's `{concur}`, say). */
  masterOf(key: string): Promise<LocalRedis>;
  stop(): Promise<void>;
}

/** Starts `masters` redis-servers with cluster mode on and joins them with `redis-cli --cluster create`. */
export async function startLocalCluster(masters = 3): Promise<LocalCluster> {
  const dir = tempDir();
  const ports = await freePorts(masters * 2);
  const servers: LocalRedis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const port = ports[i]!;
      servers.push(
        await startLocalRedis({
          port,
          args: [
            '--cluster-enabled',
            'yes',
            // The bus port defaults to port + 10000, which may be taken or out of range.
            '--cluster-port',
            String(ports[masters + i]),
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '2000',
            '--dir',
            dir,
          ],
        }),
      );
    }
    const nodes = servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const node of nodes) {
      await until(`cluster node ${node.port} to see the cluster ok`, async () =>
        /cluster_state:ok/.test(String(await ask(node.port, 'cluster', 'info'))),
      );
    }
    return {
      nodes,
      workerArgs: nodes.flatMap((n) => ['--cluster', `${n.host}:${n.port}`]),
      async masterOf(key) {
        const slot = Number(await ask(servers[0]!.port, 'cluster', 'keyslot', key));
        const ranges = (await ask(servers[0]!.port, 'cluster', 'slots')) as [
          number,
          number,
          [string, number],
        ][];
        const range = ranges.find(([from, to]) => from <= slot && slot <= to);
        const server = servers.find((s) => s.port === range?.[2][1]);
        if (server === undefined) throw new Error(`no master serves slot ${slot} of ${key}`);
        return server;
      },
      stop: () => stopAll(servers),
    };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}

/** A master, its replicas and the sentinels that watch it, on loopback. */
export interface LocalSentinels {
  /** The master's name in the sentinels. */
  readonly name: string;
  readonly sentinels: readonly QueueNode[];
  /** `--sentinel 127.0.0.1:PORT ... --sentinel-name NAME`, for `concur worker`. */
  readonly workerArgs: readonly string[];
  /** The master the setup started with. */
  readonly master: LocalRedis;
  readonly replicas: readonly LocalRedis[];
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a master, `replicas` replicas of it and `count` sentinels (quorum: a majority). */
export async function startLocalSentinels(replicaCount = 2, count = 3): Promise<LocalSentinels> {
  const name = 'concur-test';
  const dir = tempDir();
  const servers: LocalRedis[] = [];
  try {
    // On stop(), no wait for the replicas to catch up: closer to a crash.
    // A replica's full sync writes an RDB file into its --dir.
    const master = await startLocalRedis({ args: ['--shutdown-on-sigterm', 'now', '--dir', dir] });
    servers.push(master);
    const replicas: LocalRedis[] = [];
    for (let i = 0; i < replicaCount; i++) {
      const replica = await startLocalRedis({
        args: ['--replicaof', '127.0.0.1', String(master.port), '--dir', dir],
      });
      servers.push(replica);
      replicas.push(replica);
    }
    await until('the replicas to sync', async () =>
      new RegExp(`connected_slaves:${replicaCount}`).test(
        String(await ask(master.port, 'info', 'replication')),
      ),
    );
    const sentinels: QueueNode[] = [];
    for (const port of await freePorts(count)) {
      const config = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        config,
        [
          `sentinel monitor ${name} 127.0.0.1 ${master.port} ${Math.floor(count / 2) + 1}`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          '',
        ].join('\n'),
      );
      servers.push(await startLocalRedis({ port, config, args: ['--sentinel'] }));
      sentinels.push({ host: '127.0.0.1', port });
    }
    // A failover needs the sentinels to know each other and the replicas.
    for (const sentinel of sentinels) {
      await until(`sentinel ${sentinel.port} to find its peers and the replicas`, async () => {
        const fields = (await ask(sentinel.port, 'sentinel', 'master', name)) as string[];
        const field = (key: string) => Number(fields[fields.indexOf(key) + 1]);
        return field('num-other-sentinels') === count - 1 && field('num-slaves') === replicaCount;
      });
    }
    return {
      name,
      sentinels,
      workerArgs: [
        ...sentinels.flatMap((s) => ['--sentinel', `${s.host}:${s.port}`]),
        '--sentinel-name',
        name,
      ],
      master,
      replicas,
      async masterPort() {
        const [, port] = (await ask(
          sentinels[0]!.port,
          'sentinel',
          'get-master-addr-by-name',
          name,
        )) as [string, string];
        return Number(port);
      },
      stop: () => stopAll(servers),
    };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}

/** Calls `start` before the file's first test and stops what it started after its last. */
export function forThisFile<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => T {
  let started: T | undefined;
  before(async () => {
    started = await start();
  });
  after(async () => {
    await started?.stop();
  });
  return () => {
    if (started === undefined) throw new Error('not started yet: use it inside a test or hook');
    return started;
  };
}
