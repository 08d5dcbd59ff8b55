#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  connectionParts,
  type QueueClusterConnection,
  type QueueConnection,
  type QueueLogin,
  type QueueNode,
  type QueueSentinelConnection,
} from './connection.ts';
import { BUILT_IN_CODECS, isJobCodec, type JobCodec } from './job-codec.ts';
import type { LocalModel } from './local-executor.ts';
import { type QueueWorkerHandle, runQueueWorker } from './remote-worker.ts';
import type { QueueWorkerOptions } from './worker-options.ts';
import { markProcessAsWorker } from './worker-scope.ts';

export const WORKER_USAGE = `Usage: concur worker --connection redis://HOST:6379 --queue NAME --tasks ./tasks.js [options]

Takes jobs from a concur queue and runs them on this machine's cores.

  --connection URL        redis://[user:password@]host:port[/db], or rediss:// for TLS
  --cluster HOST:PORT     a node of a Redis Cluster, instead of --connection; repeat it
                          for more nodes (the prefix then gets a hash tag: {concur})
  --sentinel HOST:PORT    a Redis Sentinel, instead of --connection; repeat it for more
  --sentinel-name NAME    with --sentinel: the master's name the sentinels watch
  --queue NAME            queue name, as given to QueueExecutor
  --tasks PATH            a task module, imported at start: only the tasks it exports run.
                          Repeat it for more modules; a folder stands for its index module
  --tasks-root DIR        folder job module paths are relative to: the executor's tasksRoot
                          (default: the folder holding every --tasks module)
  --model MODEL           thread | process | async (default thread)
  --workers N             threads or processes (default: number of cores)
  --concurrency K         tasks at once per thread/process; for async, in all
  --password-env VAR      read the Redis password from this environment variable
                          (keeps it out of the process list; default CONCUR_REDIS_PASSWORD)
  --sentinel-password-env VAR  read the sentinels' password from this environment
                          variable (default CONCUR_SENTINEL_PASSWORD)
  --tls                   use TLS: with a redis:// URL, --cluster or --sentinel
  --tls-ca FILE           PEM file of the CA that signed the Redis server's certificate
  --prefix P              Redis key prefix (default concur); may hold one {hash tag}
  --codec C               json (default), v8, or a module whose default export is a JobCodec
  --lock-ms MS            a job whose worker is silent this long is stalled (default 30000)
  --stalled-interval-ms MS  how often to look for stalled jobs (default 30000)
  --grace-ms MS           on SIGTERM/SIGINT, time running jobs get before they are
                          handed back to the queue (default 30000)
  --quiet                 no progress lines on stderr
`;

const FLAGS = {
  connection: { type: 'string' },
  cluster: { type: 'string', multiple: true },
  sentinel: { type: 'string', multiple: true },
  'sentinel-name': { type: 'string' },
  'sentinel-password-env': { type: 'string' },
  queue: { type: 'string' },
  tasks: { type: 'string', multiple: true },
  'tasks-root': { type: 'string' },
  model: { type: 'string' },
  workers: { type: 'string' },
  concurrency: { type: 'string' },
  'password-env': { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  prefix: { type: 'string' },
  codec: { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-interval-ms': { type: 'string' },
  'grace-ms': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];

/** A mistake on the command line: printed as one line, exit code 2. */
class UsageError extends Error {}

function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new UsageError(`--${name} takes an integer, got ${JSON.stringify(text)}`);
  return n;
}

function parse(argv: string[]): Flags {
  let values: Flags;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return values;
  const where = (['connection', 'cluster', 'sentinel'] as const).filter(
    (f) => values[f] !== undefined,
  );
  if (where.length === 0) {
    throw new UsageError(
      '--connection is required (a redis:// URL), or --cluster HOST:PORT, or --sentinel HOST:PORT',
    );
  }
  if (where.length > 1) {
    throw new UsageError(
      `--${where[0]} and --${where[1]} name two different Redis setups: give only one of them`,
    );
  }
  if (values.sentinel !== undefined && values['sentinel-name'] === undefined) {
    throw new UsageError(
      "--sentinel needs --sentinel-name NAME: the master's name in the sentinels' `sentinel monitor NAME ...`",
    );
  }
  if (values.sentinel === undefined && values['sentinel-name'] !== undefined) {
    throw new UsageError('--sentinel-name goes with --sentinel HOST:PORT: add the sentinels');
  }
  for (const required of ['queue', 'tasks'] as const) {
    if (values[required] === undefined) throw new UsageError(`--${required} is required`);
  }
  return values;
}

/** `host:port` or `[v6 address]:port`, as given to --cluster or --sentinel. */
function node(flag: string, text: string): QueueNode {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new UsageError(
      `--${flag} takes HOST:PORT (a port from 1 to 65535), got ${JSON.stringify(text)}`,
    );
  }
  return { host: match[1] ?? match[2]!, port };
}

/** The connection the flags name: a URL's parts, a cluster's nodes, or sentinels. */
function connectionOf(values: Flags): { connection: QueueConnection; login: QueueLogin } {
  if (values.cluster !== undefined) {
    const connection: QueueClusterConnection = {
      cluster: values.cluster.map((n) => node('cluster', n)),
    };
    return { connection, login: connection };
  }
  if (values.sentinel !== undefined) {
    const connection: QueueSentinelConnection = {
      sentinels: values.sentinel.map((n) => node('sentinel', n)),
      name: values['sentinel-name']!,
    };
    const password = process.env[values['sentinel-password-env'] ?? 'CONCUR_SENTINEL_PASSWORD'];
    if (password !== undefined && password !== '') connection.sentinelPassword = password;
    return { connection, login: connection };
  }
  const connection = connectionParts(values.connection!);
  return { connection, login: connection };
}

async function loadCodec(name: string | undefined): Promise<JobCodec | undefined> {
  if (name === undefined) return undefined;
  const builtIn = BUILT_IN_CODECS[name];
  if (builtIn !== undefined) return builtIn;
  const mod = (await import(pathToFileURL(resolve(name)).href)) as { default?: unknown };
  if (!isJobCodec(mod.default))
    throw new Error(`--codec ${name} has no JobCodec as its default export`);
  return mod.default;
}

async function workerOptions(values: Flags): Promise<QueueWorkerOptions> {
  const { connection, login } = connectionOf(values);
  const password = process.env[values['password-env'] ?? 'CONCUR_REDIS_PASSWORD'];
  if (password !== undefined && password !== '') login.password = password;
  const tlsCa = values['tls-ca'];
  if (tlsCa !== undefined) login.tls = { ca: readFileSync(tlsCa) };
  else if (values.tls === true) login.tls = true;
  const options: QueueWorkerOptions = { connection, queue: values.queue!, tasks: values.tasks! };
  if (values['tasks-root'] !== undefined) options.tasksRoot = values['tasks-root'];
  if (values.model !== undefined) options.model = values.model as LocalModel;
  const numeric = [
    ['workers', 'workers'],
    ['concurrency', 'concurrency'],
    ['lock-ms', 'lockDurationMs'],
    ['stalled-interval-ms', 'stalledIntervalMs'],
    ['grace-ms', 'graceMs'],
  ] as const;
  for (const [flag, key] of numeric) {
    const n = int(flag, values[flag]);
    if (n !== undefined) options[key] = n;
  }
  if (values.prefix !== undefined) options.prefix = values.prefix;
  const codec = await loadCodec(values.codec);
  if (codec !== undefined) options.codec = codec;
  if (values.quiet === true) options.log = () => {};
  return options;
}

/**
 * `concur worker ...`: runs until SIGTERM or SIGINT, then returns the exit code; a
 * second signal exits the process at once (code 130). The caller should exit the
 * process with the code: a Redis that never answered may still hold a socket open.
 */
export async function runWorkerCommand(argv: string[]): Promise<number> {
  let handle: QueueWorkerHandle;
  try {
    const values = parse(argv);
    if (values.help === true) {
      process.stdout.write(WORKER_USAGE);
      return 0;
    }
    const options = await workerOptions(values);
    markProcessAsWorker();
    handle = await runQueueWorker(options);
  } catch (error) {
    const usage = error instanceof UsageError ? ' (see concur worker --help)' : '';
    process.stderr.write(`concur worker: ${(error as Error).message}${usage}\n`);
    return 2;
  }
  return serve(handle);
}

/** Waits for a signal (or a failed start), then closes the worker. */
function serve(handle: QueueWorkerHandle): Promise<number> {
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (why: string, code: number) => {
      if (stopping) {
        // A second signal: leave now; running jobs stall and another worker takes them.
        process.stderr.write(`concur worker: ${why} again, exiting without waiting\n`);
        process.exit(130);
      }
      stopping = true;
      handle.close().then(
        () => done(code),
        (error: Error) => {
          process.stderr.write(`concur worker: ${error.message}\n`);
          done(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM', 0));
    process.on('SIGINT', () => stop('SIGINT', 0));
    watchNpmParent(() => stop('npm exited', 0));
    handle.ready.catch((error: Error) => {
      process.stderr.write(`concur worker: cannot start: ${error.message}\n`);
      stop('start failed', 1);
    });
  });
}

/**
 * Under `npx concur worker` (or an npm script) npm runs the worker through a shell,
 * and a signal to npm need not reach it: npm exits and the worker lives on as an
 * orphan. Started by npm, the worker stops as on SIGTERM once npm is gone.
 */
function watchNpmParent(stop: () => void): void {
  if (process.env.npm_lifecycle_event === undefined && process.env.npm_command === undefined)
    return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, PARENT_CHECK_MS);
  timer.unref();
}

/** How often a worker started by npm checks that npm is still its parent. */
const PARENT_CHECK_MS = 500;

const entry = process.argv[1];
// Run as the bin: npm links it as node_modules/.bin/concur-worker, so compare real paths.
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  runWorkerCommand(process.argv.slice(2)).then((code) => process.exit(code));
}
