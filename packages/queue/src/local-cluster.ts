import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_CODECS } from './job-codec.ts';
import type { LocalModel } from './local-executor.ts';
import { type LocalRedis, startLocalRedis } from './local-redis.ts';
import { QueueExecutor } from './queue-executor.ts';

/** Options of `startLocalQueueCluster()`. */
export interface LocalQueueClusterOptions {
  /** Task module(s), given to each worker as --tasks (a folder stands for its index module). */
  tasks: string | readonly string[];
  /**
   * The executor's tasksRoot and the workers' --tasks-root.
   * @default the folder holding every `tasks` module (a folder itself)
   */
  tasksRoot?: string;
  /** `concur worker` processes to start. @default 1 */
  workerProcesses?: number;
  /** Each worker's --model. @default 'thread' */
  model?: LocalModel;
  /** Each worker's --workers. @default os.availableParallelism() */
  workers?: number;
  /** Each worker's --concurrency. */
  concurrency?: number;
  /** Use this Redis instead of starting a private redis-server. */
  connection?: string;
  /** @default a fresh name */
  queue?: string;
  /** The codec of the executor and its workers (`--codec`), by built-in name. @default 'json' */
  codec?: 'json' | 'v8';
  /** More `concur worker` arguments for every worker, e.g. `['--lock-ms', '1000']`. */
  workerArgs?: readonly string[];
  /** Extra QueueExecutor options. */
  executor?: {
    /** The executor's `capacity` (see QueueExecutorOptions). */
    capacity?: number;
    /** The executor's `reconcileIntervalMs` (see QueueExecutorOptions). */
    reconcileIntervalMs?: number;
  };
  /** Show the workers' stderr (progress lines) on ours. @default 'ignore' */
  stderr?: 'inherit' | 'ignore';
}

/** A running local cluster: Redis, `concur worker` processes and an executor on them. */
export interface LocalQueueCluster {
  /** The executor submitting to the cluster's queue. */
  readonly executor: QueueExecutor;
  /** The Redis URL (a private redis-server unless `connection` was given). */
  readonly connection: string;
  /** The queue name the executor and workers share. */
  readonly queue: string;
  /** The pids of the `concur worker` processes, in start order. */
  readonly workerPids: readonly number[];
  /** Shuts the executor down, stops the workers (SIGTERM) and the private redis-server. */
  close(): Promise<void>;
}

const WORKER_CLI = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './worker-cli.ts' : './worker-cli.js', import.meta.url),
);

let clusterCount = 0;

/** The folder that holds every module (a folder stands for itself), as the worker computes it. */
function commonRoot(paths: readonly string[]): string {
  const folders = paths.map((path) => (statSync(path).isDirectory() ? path : dirname(path)));
  let common = folders[0]!;
  for (const folder of folders.slice(1)) {
    while (folder !== common && !folder.startsWith(common + sep)) common = dirname(common);
  }
  return common;
}

/**
 * A QueueExecutor with `concur worker` processes on this machine, resolved once
 * every worker is taking jobs, each on its own
 * Redis connection: what the lab uses to show what going through Redis costs per
 * task next to threads and processes.
 */
export async function startLocalQueueCluster(
  options: LocalQueueClusterOptions,
): Promise<LocalQueueCluster> {
  const tasks = (typeof options.tasks === 'string' ? [options.tasks] : options.tasks).map((t) =>
    resolve(t),
  );
  const tasksRoot =
    options.tasksRoot === undefined ? commonRoot(tasks) : resolve(options.tasksRoot);
  const queue = options.queue ?? `concur-local-${process.pid}-${clusterCount++}`;
  let redis: LocalRedis | undefined;
  const connection = options.connection ?? (redis = await startLocalRedis()).url;
  const args = [
    ...process.execArgv,
    WORKER_CLI,
    '--connection',
    connection,
    '--queue',
    queue,
    ...tasks.flatMap((t) => ['--tasks', t]),
    '--tasks-root',
    tasksRoot,
  ];
  if (options.model !== undefined) args.push('--model', options.model);
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  if (options.codec !== undefined) args.push('--codec', options.codec);
  args.push(...(options.workerArgs ?? []));
  const children: ChildProcess[] = [];
  const exits: Promise<unknown>[] = [];
  const started: Promise<void>[] = [];
  // If this process exits without close() (an uncaught error, process.exit on a signal),
  // the workers go with it, as the private redis-server does.
  const onExit = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  for (let i = 0; i < (options.workerProcesses ?? 1); i++) {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    const exit = once(child, 'exit');
    exits.push(exit);
    let text = '';
    started.push(
      new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          if (options.stderr === 'inherit') process.stderr.write(chunk);
          text += chunk.toString();
          if (text.includes('ready (pid')) resolve();
        });
        exit.then(() => reject(new Error(`concur worker exited before it was ready:\n${text}`)));
      }),
    );
  }
  const codec = options.codec === undefined ? {} : { codec: BUILT_IN_CODECS[options.codec]! };
  let starting: QueueExecutor | undefined;
  try {
    await Promise.all(started);
    starting = new QueueExecutor({ connection, queue, tasksRoot, ...codec, ...options.executor });
    await starting.ready();
  } catch (error) {
    process.removeListener('exit', onExit);
    await starting?.shutdown({ cancelPending: true }).catch(() => {});
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(exits);
    await redis?.stop();
    throw error;
  }
  const executor = starting;
  let closing: Promise<void> | undefined;
  return {
    executor,
    connection,
    queue,
    workerPids: children.map((child) => child.pid!),
    close() {
      closing ??= (async () => {
        await executor.shutdown({ cancelPending: true });
        for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
        await Promise.all(exits);
        process.removeListener('exit', onExit);
        await redis?.stop();
      })();
      return closing;
    },
  };
}
