import { QueueBackendError } from 'concur';
import { type Callback, Cluster, Redis } from 'ioredis';
import { describeNodes, type RedisClientOptions, redisSubject } from './connection.ts';

/** A connection to one server (perhaps found through sentinels) or to a cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Opens a connection of the topology `options` name, named `connectionName` in CLIENT
 * LIST; `subscriber` if it will SSUBSCRIBE (see shardSubscribe).
 */
export function openRedis(
  options: RedisClientOptions,
  connectionName: string,
  subscriber = false,
): RedisClient {
  const { cluster, ...server } = options;
  if (cluster === undefined) {
    const client = new Redis({ ...server, connectionName });
    reconnectAfterEnd(client, server.retryStrategy);
    return client;
  }
  const { host: _host, port: _port, db: _db, retryStrategy, enableReadyCheck, ...perNode } = server;
  const client = new Cluster([...cluster], {
    redisOptions: { ...perNode, connectionName },
    clusterRetryStrategy: retryStrategy,
    // SSUBSCRIBE on a cluster needs a subscriber per master (ioredis: shardedSubscribers).
    // Only where it is used: with it, every reload of the slot map costs ~7 ms (two
    // JSON copies of the map compared), which the other connections need not pay.
    shardedSubscribers: subscriber,
    enableReadyCheck,
  });
  paceSlotRefreshes(client);
  return client;
}

/**
 * ioredis gives a connection up for good (status `end`) when its connector fails, and
 * with Sentinel a failover does that: the master dies, the client starts to reconnect,
 * and the sentinels' +switch-master arrives while it is asking them for the master's
 * address. The failover detector then closes the connector under that request, the
 * request fails, and the client ends without a word. Seen in the failover test: every
 * connection of the executor ended, and its futures never settled.
 *
 * So every connection concur opens connects again after an `end` it did not ask for
 * (disconnect() or quit()), with the same back-off as a reconnect, and so do the
 * copies duplicate() makes (BullMQ's blocking connection is one).
 */
function reconnectAfterEnd(client: Redis, delayMs: (attempt: number) => number): void {
  let closing = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  const disconnect = client.disconnect.bind(client);
  client.disconnect = (reconnect = false) => {
    if (!reconnect) closing = true;
    clearTimeout(timer);
    disconnect(reconnect);
  };
  const quit = client.quit.bind(client);
  client.quit = ((...args: Parameters<Redis['quit']>) => {
    closing = true;
    clearTimeout(timer);
    return quit(...args);
  }) as Redis['quit'];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const copy = duplicate(...args);
    reconnectAfterEnd(copy, delayMs);
    return copy;
  };
  client.on('ready', () => {
    attempt = 0;
  });
  client.on('end', () => {
    if (closing) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (closing || client.status !== 'end') return;
      // A failure ends the client again, and this runs again.
      client.connect().catch(() => {});
    }, delayMs(++attempt));
  });
}

/**
 * Least time between two reloads of a cluster's slot map. While a master is down,
 * ioredis 6 reloads it in a loop: each sharded subscriber that fails to connect to
 * the node ends, and its end asks for a reload at once, which starts a new subscriber
 * to the same node. Measured (--cpu-prof, 3 local masters): 220 reloads a second,
 * each comparing two JSON copies of the 16,384-slot map, 95% of a core. A restarted
 * node is still found within this time.
 */
const SLOT_REFRESH_GAP_MS = 250;

/**
 * Makes `client` reload its slot map at most once per SLOT_REFRESH_GAP_MS (later asks
 * wait), and the copies duplicate() makes of it too: BullMQ's blocking connection is
 * one, and reloaded 15 times a second on MOVED while the master was down.
 */
function paceSlotRefreshes(client: Cluster): void {
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<Cluster['duplicate']>) => {
    const copy = duplicate(...args);
    paceSlotRefreshes(copy);
    return copy;
  }) as Cluster['duplicate'];
  const refresh = client.refreshSlotsCache.bind(client);
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let waiting: Callback<void>[] = [];
  const run = () => {
    timer = undefined;
    last = performance.now();
    const callbacks = waiting;
    waiting = [];
    refresh((error) => {
      for (const callback of callbacks) callback(error);
    });
  };
  client.refreshSlotsCache = (callback?: Callback<void>) => {
    if (callback !== undefined) waiting.push(callback);
    const wait = last + SLOT_REFRESH_GAP_MS - performance.now();
    if (wait <= 0 && timer === undefined) return run();
    timer ??= setTimeout(run, Math.max(0, wait));
    timer.unref();
  };
}

/**
 * Refuses a connection whose topology is not the one the options name: one server's
 * address given for a node of a cluster fails every multi-key command with CROSSSLOT
 * or MOVED (a worker would retry them without end), and the cluster option given for
 * a plain server never connects. Resolves when they match, or when Redis does not
 * say (no answer: the connect timeout reports that).
 */
export async function checkTopology(
  client: RedisClient,
  options: RedisClientOptions,
): Promise<void> {
  if (client instanceof Cluster) return clusterAnswers(client, options);
  if ((await isClusterNode(client)) === true) {
    throw new QueueBackendError(
      `${redisSubject(options)} is a node of a Redis Cluster: give the cluster's nodes ` +
        'as `connection: { cluster: [{ host, port }, ...] }` (concur worker: --cluster HOST:PORT, once per node)',
    );
  }
}

/**
 * Whether the server is a cluster node: CLUSTER INFO, which an ACL user without
 * `@dangerous` may still run, else INFO; undefined if both are refused.
 */
async function isClusterNode(client: Redis): Promise<boolean | undefined> {
  try {
    await client.cluster('INFO');
    return true;
  } catch (error) {
    if (/cluster support disabled/i.test((error as Error).message)) return false;
  }
  try {
    return /^cluster_enabled:1\s*$/m.test(await client.info('cluster'));
  } catch {
    return undefined;
  }
}

/** Resolves once the cluster is ready; rejects if a node says it is no cluster node. */
function clusterAnswers(client: Cluster, options: RedisClientOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      client.off('ready', onReady);
      client.off('node error', onError);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const onError = (error: Error) => {
      if (!/cluster support disabled/i.test(error.message)) return;
      done();
      reject(
        new QueueBackendError(
          `The nodes given as a Redis Cluster (${describeNodes(options.cluster ?? [])}) are not one (cluster mode is off there): ` +
            'give it as a redis:// URL or `{ host, port }` (concur worker: --connection URL), ' +
            'or give the nodes of a cluster',
        ),
      );
    };
    if (client.status === 'ready') return resolve();
    client.on('ready', onReady);
    client.on('node error', onError);
  });
}
