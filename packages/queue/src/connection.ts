import { isIP } from 'node:net';
import { checkKnownKeys, checkObject, invalid } from 'concur/backend';

/** TLS options passed to `tls.connect` (ca, cert, key, servername, rejectUnauthorized, ...). */
export type QueueTlsOptions = Record<string, unknown>;

/** Where Redis is and how to log in: a `redis://` / `rediss://` URL, or the parts. */
export type QueueConnection =
  | string
  | {
      /** @default '127.0.0.1' */
      host?: string;
      /** @default 6379 */
      port?: number;
      /** ACL user name. */
      username?: string;
      /** Password (or the ACL user's); never shown in messages. */
      password?: string;
      /** @default 0 */
      db?: number;
      /** TLS options; `true` for the defaults (verify the server against the system CAs). */
      tls?: boolean | QueueTlsOptions;
    };

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
}

const CONNECTION_KEYS = ['host', 'port', 'username', 'password', 'db', 'tls'] as const;

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
export function connectionParts(url: string): Exclude<QueueConnection, string> {
  const options = fromUrl(url);
  const parts: Exclude<QueueConnection, string> = {
    host: options.host,
    port: options.port,
    db: options.db,
  };
  if (options.username !== undefined) parts.username = options.username;
  if (options.password !== undefined) parts.password = options.password;
  if (options.tls !== undefined) parts.tls = true;
  return parts;
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
  checkKnownKeys('connection', checkObject('connection', connection), CONNECTION_KEYS);
  const c = connection as Exclude<QueueConnection, string>;
  const port = c.port ?? 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('connection.port', 'an integer from 1 to 65535', port);
  }
  const db = c.db ?? 0;
  if (!Number.isInteger(db) || db < 0)
    throw invalid('connection.db', 'an integer from 0 and up', db);
  const host = c.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '')
    throw invalid('connection.host', 'a host name', host);
  const options: RedisClientOptions = {
    host,
    port,
    db,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy,
  };
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

/** host:port for messages; never shows the password. */
export function describeConnection(options: RedisClientOptions): string {
  return `${options.tls === undefined ? 'redis' : 'rediss'}://${options.host}:${options.port}/${options.db}`;
}
