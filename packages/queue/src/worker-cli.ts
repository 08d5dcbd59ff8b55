#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { connectionParts } from './connection.ts';
import { BUILT_IN_CODECS, isJobCodec, type JobCodec } from './job-codec.ts';
import type { LocalModel } from './local-executor.ts';
import { runQueueWorker } from './remote-worker.ts';

export const WORKER_USAGE = `Usage: concur worker --connection redis://HOST:6379 --queue NAME --tasks ./tasks.js [options]

Takes jobs from a concur queue and runs them on this machine's cores.

  --connection URL        redis://[user:password@]host:port[/db], or rediss:// for TLS
  --queue NAME            queue name, as given to QueueExecutor
  --tasks PATH            task module or folder: the only code this worker runs
  --model MODEL           thread | process | async (default thread)
  --workers N             threads or processes (default: number of cores)
  --concurrency K         tasks at once per thread/process; for async, in all
  --password-env VAR      read the Redis password from this environment variable
                          (keeps it out of the process list; default CONCUR_REDIS_PASSWORD)
  --tls                   use TLS even with a redis:// URL
  --tls-ca FILE           PEM file of the CA that signed the Redis server's certificate
  --prefix P              Redis key prefix (default concur)
  --codec C               json (default), v8, or a module whose default export is a JobCodec
  --lock-ms MS            a job whose worker is silent this long is stalled (default 30000)
  --stalled-interval-ms MS  how often to look for stalled jobs (default 30000)
  --grace-ms MS           on SIGTERM/SIGINT, time running jobs get before they are
                          handed back to the queue (default 30000)
  --quiet                 no progress lines on stderr
`;

function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new Error(`--${name} takes an integer, got ${JSON.stringify(text)}`);
  return n;
}

/** `concur worker ...`: runs until SIGTERM or SIGINT; returns the exit code. */
export async function runWorkerCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        connection: { type: 'string' },
        queue: { type: 'string' },
        tasks: { type: 'string' },
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
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`concur worker: ${(error as Error).message}\n\n${WORKER_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(WORKER_USAGE);
    return 0;
  }
  const str = (k: string) => values[k] as string | undefined;
  for (const required of ['connection', 'queue', 'tasks']) {
    if (str(required) === undefined) {
      process.stderr.write(`concur worker: --${required} is required\n\n${WORKER_USAGE}`);
      return 2;
    }
  }
  let handle: Awaited<ReturnType<typeof runQueueWorker>>;
  try {
    const connection = connectionParts(str('connection')!);
    const password = process.env[str('password-env') ?? 'CONCUR_REDIS_PASSWORD'];
    if (password !== undefined && password !== '') connection.password = password;
    const tlsCa = str('tls-ca');
    if (tlsCa !== undefined) connection.tls = { ca: readFileSync(tlsCa) };
    else if (values.tls === true) connection.tls = true;
    let codec: JobCodec | undefined;
    const codecName = str('codec');
    if (codecName !== undefined && BUILT_IN_CODECS[codecName] !== undefined) {
      codec = BUILT_IN_CODECS[codecName];
    } else if (codecName !== undefined) {
      const mod = (await import(pathToFileURL(resolve(str('codec')!)).href)) as {
        default?: unknown;
      };
      if (!isJobCodec(mod.default))
        throw new Error(`--codec ${str('codec')} has no JobCodec as its default export`);
      codec = mod.default;
    }
    const options: Parameters<typeof runQueueWorker>[0] = {
      connection,
      queue: str('queue')!,
      tasks: str('tasks')!,
    };
    if (str('model') !== undefined) options.model = str('model') as LocalModel;
    const numeric = [
      ['workers', 'workers'],
      ['concurrency', 'concurrency'],
      ['lock-ms', 'lockDurationMs'],
      ['stalled-interval-ms', 'stalledIntervalMs'],
      ['grace-ms', 'graceMs'],
    ] as const;
    for (const [flag, key] of numeric) {
      const n = int(flag, str(flag));
      if (n !== undefined) options[key] = n;
    }
    if (str('prefix') !== undefined) options.prefix = str('prefix')!;
    if (codec !== undefined) options.codec = codec;
    if (values.quiet === true) options.log = () => {};
    handle = await runQueueWorker(options);
  } catch (error) {
    process.stderr.write(`concur worker: ${(error as Error).message}\n`);
    return 2;
  }
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: leave now; running jobs stall and another worker takes them.
        process.stderr.write(`concur worker: ${signal} again, exiting without waiting\n`);
        done(130);
        return;
      }
      stopping = true;
      handle.close().then(
        () => done(0),
        (error: Error) => {
          process.stderr.write(`concur worker: ${error.message}\n`);
          done(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    handle.ready.catch((error: Error) => {
      process.stderr.write(`concur worker: cannot start: ${error.message}\n`);
      stopping = true;
      void handle.close().finally(() => done(1));
    });
  });
}

// Run as the bin: npm links it as node_modules/.bin/concur-worker, so compare real paths.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  runWorkerCommand(process.argv.slice(2)).then((code) => process.exit(code));
}
