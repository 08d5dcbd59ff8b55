import { isIP } from 'node:net';
import { checkKnownKeys, checkObject, invalid } from 'concur/backend';

/** TLS options passed to `tls.connect` (ca, cert, key, servername, rejectUnauthorized, ...). */
export type QueueTlsOptions = Record<string, unknown>;

/** One Redis node: a cluster's seed node, or a sentinel. */
export interface QueueNode {
  host: string;
  port: number;
}

/** How to log in; the same for one server, a cluster's nodes, and the master behind sentinels. */
export interface QueueLogin {
  /** ACL user name. */
  username?: string;
  /** Password (or the ACL user's); never shown in messages. */
  password?: string;
  /** TLS options; `true` for the defaults (verify the server against the system CAs). */
  tls?: boolean | QueueTlsOptions;
}

/** One Redis server, by its parts. */
export interface QueueServerConnection extends QueueLogin {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 6379 */
  port?: number;
  /** @default 0 */
  db?: number;
}

/**
 * A Redis Cluster: some of its nodes (any will do; the others are found from them).
 * The key prefix gets a hash tag, so that every key of a queue lives in one slot.
 * @example { cluster: [{ host: '10.0.0.5', port: 7000 }, { host: '10.0.0.6', port: 7000 }] }
 */
export interface QueueClusterConnection extends QueueLogin {
  cluster: readonly QueueNode[];
}

/**
 * A master watched by Redis Sentinel: the sentinels to ask, and the master's name
 * there. A failover is waited out like a restart.
 * @example { sentinels: [{ host: '10.0.0.5', port: 26379 }], name: 'mymaster' }
 */
export interface QueueSentinelConnection extends QueueLogin {
  sentinels: readonly QueueNode[];
  /** The master's name, as in the sentinels' `sentinel monitor NAME ...`. */
  name: string;
  /** @default 0 */
  db?: number;
  /** The sentinels' ACL user, if they require one. */
  sentinelUsername?: string;
  /** The sentinels' password (`requirepass` in sentinel.conf), if they require one. */
  sentinelPassword?: string;
}

/**
 * Where Redis is and how to log in: a `redis://` / `rediss://` URL or the parts of one
 * server, a Cluster's nodes, or Sentinels and a master name.
 */
export type QueueConnection =
  | string
  | QueueServerConnection
  | QueueClusterConnection
  | QueueSentinelConnection;

/** What ioredis takes; only the fields concur sets. */
export interface RedisClientOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: QueueTlsOptions;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
  retryStrategy: (times: number) => number;
  lazyConnect?: boolean;
  /** A cluster's seed nodes: opened as an ioredis Cluster (see openRedis). */
  cluster?: QueueNode[];
  sentinels?: QueueNode[];
  name?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
  sentinelTLS?: QueueTlsOptions;
  enableTLSForSentinelMode?: boolean;
  failoverDetector?: boolean;
  reconnectOnError?: (error: Error) => boolean | 1 | 2;
}

const LOGIN_KEYS = ['username', 'password', 'tls'] as const;
const CONNECTION_KEYS = ['host', 'port', 'db', ...LOGIN_KEYS] as const;
const CLUSTER_KEYS = ['cluster', ...LOGIN_KEYS] as const;
const SENTINEL_KEYS = [
  'sentinels',
  'name',
  'db',
  'sentinelUsername',
  'sentinelPassword',
  ...LOGIN_KEYS,
] as const;

// Reconnect quickly at first, then every 2 s: a restarted Redis is picked up within seconds.
function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** times, 2000);
}

/** TLS defaults for `host`: SNI names the host, unless it is an IP address (RFC 6066 forbids that). */
function tlsFor(host: string): QueueTlsOptions {
  return isIP(host) === 0 ? { servername: host } : {};
}

function fromUrl(text: string): RedisClientOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('connection', 'a redis:// or rediss:// URL, or an options object', text);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw invalid('connection', 'a redis:// or rediss:// URL, or an options object', text);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw invalid(
      'connection',
      'a URL whose path is a database number, like redis://host:6379/0',
      text,
    );
  }
  const options: RedisClientOptions = {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    db,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy,
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = tlsFor(options.host);
  return options;
}

/** A URL's connection as parts, so a caller can set the password or TLS options apart from it. */
export function connectionParts(url: string): QueueServerConnection {
  const options = fromUrl(url);
  const parts: QueueServerConnection = {
    host: options.host,
    port: options.port,
    db: options.db,
  };
  if (options.username !== undefined) parts.username = options.username;
  if (options.password !== undefined) parts.password = options.password;
  if (options.tls !== undefined) parts.tls = true;
  return parts;
}

function checkPort(name: string, port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw invalid(name, 'an integer from 1 to 65535', port);
  }
  return port as number;
}

function checkDb(value: unknown): number {
  const db = value ?? 0;
  if (!Number.isInteger(db) || (db as number) < 0)
    throw invalid('connection.db', 'an integer from 0 and up', db);
  return db as number;
}

function checkNodes(name: string, value: unknown): QueueNode[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(name, 'a non-empty array of { host, port }', value);
  }
  return value.map((node: unknown, i) => {
    checkKnownKeys(`${name}[${i}]`, checkObject(`${name}[${i}]`, node), ['host', 'port']);
    const { host, port } = node as QueueNode;
    if (typeof host !== 'string' || host === '')
      throw invalid(`${name}[${i}].host`, 'a host name', host);
    return { host, port: checkPort(`${name}[${i}].port`, port) };
  });
}

/** Every topology's login options: user, password and TLS. */
function login(c: QueueLogin, host: string, options: RedisClientOptions): RedisClientOptions {
  for (const key of ['username', 'password'] as const) {
    const value = c[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalid(`connection.${key}`, 'a string', value);
    options[key] = value;
  }
  if (c.tls !== undefined && c.tls !== false) {
    if (c.tls === true) options.tls = tlsFor(host);
    else options.tls = { ...tlsFor(host), ...checkObject('connection.tls', c.tls) };
  }
  return options;
}

/** An IP address, for which tlsFor() sets no servername. */
const NO_SNI = '0.0.0.0';

function base(host: string, port: number, db: number): RedisClientOptions {
  return { host, port, db, maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
}

function fromCluster(c: QueueClusterConnection): RedisClientOptions {
  checkKnownKeys('connection', c, CLUSTER_KEYS);
  const nodes = checkNodes('connection.cluster', c.cluster);
  // The nodes have names of their own: no SNI default (NO_SNI); set tls.servername if needed.
  const options = login(c, NO_SNI, base(nodes[0]!.host, nodes[0]!.port, 0));
  options.cluster = nodes;
  return options;
}

function fromSentinels(c: QueueSentinelConnection): RedisClientOptions {
  checkKnownKeys('connection', c, SENTINEL_KEYS);
  const sentinels = checkNodes('connection.sentinels', c.sentinels);
  if (typeof c.name !== 'string' || c.name === '') {
    throw invalid(
      'connection.name',
      "the master's name, as in the sentinels' `sentinel monitor NAME`",
      c.name,
    );
  }
  const options = login(c, NO_SNI, base(sentinels[0]!.host, sentinels[0]!.port, checkDb(c.db)));
  if (options.tls !== undefined) {
    options.sentinelTLS = options.tls;
    options.enableTLSForSentinelMode = true;
  }
  for (const key of ['sentinelUsername', 'sentinelPassword'] as const) {
    const value = c[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalid(`connection.${key}`, 'a string', value);
    options[key] = value;
  }
  options.sentinels = sentinels;
  options.name = c.name;
  // Hear +switch-master at once rather than on the next failed command.
  options.failoverDetector = true;
  // A master demoted to replica refuses writes with READONLY: reconnect (to the new
  // master, asked of the sentinels) and send the command again.
  options.reconnectOnError = (error) => (error.message.startsWith('READONLY') ? 2 : false);
  return options;
}

/** Checks a `connection` option and turns it into ioredis options. */
export function parseConnection(connection: unknown): RedisClientOptions {
  if (typeof connection === 'string') return fromUrl(connection);
  if (connection === undefined) {
    throw invalid(
      'connection',
      'a redis:// URL or an options object with host and port',
      connection,
    );
  }
  const given = checkObject('connection', connection);
  if ('cluster' in given) return fromCluster(given as QueueClusterConnection);
  if ('sentinels' in given) return fromSentinels(given as QueueSentinelConnection);
  checkKnownKeys('connection', given, CONNECTION_KEYS);
  const c = given as QueueServerConnection;
  const port = checkPort('connection.port', c.port ?? 6379);
  const db = checkDb(c.db);
  const host = c.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '')
    throw invalid('connection.host', 'a host name', host);
  return login(c, host, base(host, port, db));
}

/** The topology a connection names: one server, a cluster, or a master behind sentinels. */
export function topologyOf(options: RedisClientOptions): 'server' | 'cluster' | 'sentinel' {
  if (options.cluster !== undefined) return 'cluster';
  return options.sentinels !== undefined ? 'sentinel' : 'server';
}

/** Nodes as host:port,host:port for messages. */
export function describeNodes(list: readonly QueueNode[]): string {
  return list.map((n) => `${n.host}:${n.port}`).join(',');
}

/** host:port for messages; never shows the password. */
export function describeConnection(options: RedisClientOptions): string {
  const nodes = describeNodes;
  if (options.cluster !== undefined) return `the Redis Cluster at ${nodes(options.cluster)}`;
  if (options.sentinels !== undefined) {
    return `master ${options.name} of the sentinels at ${nodes(options.sentinels)} (db ${options.db})`;
  }
  return `${options.tls === undefined ? 'redis' : 'rediss'}://${options.host}:${options.port}/${options.db}`;
}

/** Redis as a message's subject: "Redis at redis://...", "The Redis Cluster at ...". */
export function redisSubject(options: RedisClientOptions): string {
  const where = describeConnection(options);
  return options.cluster !== undefined ? `T${where.slice(1)}` : `Redis at ${where}`;
}

/** Redis as a message's object: "Redis at redis://...", "the Redis Cluster at ...". */
export function redisObject(options: RedisClientOptions): string {
  const where = describeConnection(options);
  return options.cluster !== undefined ? where : `Redis at ${where}`;
}
