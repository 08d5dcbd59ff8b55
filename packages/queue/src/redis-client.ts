import { QueueBackendError } from 'concur';
import { Cluster, Redis } from 'ioredis';
import { describeConnection, type RedisClientOptions, topologyOf } from './connection.ts';

/** A connection to one server (perhaps found through sentinels) or to a cluster. */
export type RedisClient = Redis | Cluster;

/** Opens a connection of the topology `options` name, named `connectionName` in CLIENT LIST. */
export function openRedis(options: RedisClientOptions, connectionName: string): RedisClient {
  const { cluster, ...server } = options;
  if (cluster === undefined) return new Redis({ ...server, connectionName });
  const { host: _host, port: _port, db: _db, retryStrategy, enableReadyCheck, ...perNode } = server;
  return new Cluster([...cluster], {
    redisOptions: { ...perNode, connectionName },
    clusterRetryStrategy: retryStrategy,
    enableReadyCheck,
  });
}

/**
 * Refuses a connection whose topology is not the one the options name: one server's
 * address given for a node of a cluster fails every multi-key command with CROSSSLOT
 * or MOVED (a worker would retry them without end), and the cluster option given for
 * a plain server never connects. Resolves when they match, or when Redis does not
 * say (INFO refused by an ACL, or no answer: the connect timeout reports that).
 */
export async function checkTopology(
  client: RedisClient,
  options: RedisClientOptions,
): Promise<void> {
  let info: string;
  try {
    info = await client.info('cluster');
  } catch {
    return;
  }
  const clustered = /^cluster_enabled:1\s*$/m.test(info);
  const wanted = topologyOf(options);
  if (clustered && wanted !== 'cluster') {
    throw new QueueBackendError(
      `Redis at ${describeConnection(options)} is a node of a Redis Cluster: give the cluster's nodes ` +
        'as `connection: { cluster: [{ host, port }, ...] }` (concur worker: --cluster HOST:PORT, once per node)',
    );
  }
}
