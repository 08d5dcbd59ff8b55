import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { type LocalRedis, startLocalRedis } from '../../packages/queue/src/local-redis.ts';

export const TASKS = fileURLToPath(new URL('../fixtures/queue/tasks.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/queue/src/worker-cli.ts', import.meta.url));
const BUILT_CLI = fileURLToPath(
  new URL('../../packages/queue/dist/worker-cli.js', import.meta.url),
);

export { startLocalRedis };

/**
 * One redis-server for the calling test file: started before its first test and stopped
 * after its last. Read its `url` and `port` inside tests and hooks.
 */
export function redisForThisFile(): LocalRedis {
  let server: LocalRedis | undefined;
  before(async () => {
    server = await startLocalRedis();
  });
  after(async () => {
    await server?.stop();
  });
  const current = (): LocalRedis => {
    if (server === undefined)
      throw new Error('redis-server is not started yet: use it inside a test or hook');
    return server;
  };
  return {
    get port() {
      return current().port;
    },
    get url() {
      return current().url;
    },
    stop: () => current().stop(),
    restart: () => current().restart(),
  };
}

/** A BullMQ Queue on `queue` for the test to read job states and counts from Redis directly. */
export function inspector(port: number, queue: string): Queue {
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port }, prefix: 'concur' });
  q.on('error', () => {});
  return q;
}

let queueCount = 0;
/** A queue name no other test uses. */
export function freshQueue(label: string): string {
  return `t-${label}-${process.pid}-${queueCount++}`;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'concur-queue-'));
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stderr(): string;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Short lock and stall intervals: a killed worker's job is taken back within about a second. */
export const FAST = ['--lock-ms', '1000', '--stalled-interval-ms', '500', '--grace-ms', '3000'];

export interface WorkerLaunch {
  /** The worker's --tasks (a module or a folder). @default the queue fixtures' tasks.ts */
  tasks?: string;
  /**
   * Run the built dist/worker-cli.js with plain node, as `npx concur-worker` does, instead
   * of the TypeScript CLI under tsx (whose require hook would load a second copy of concur
   * for a CommonJS task module).
   */
  built?: boolean;
}

/** Starts `concur worker` (by default the TypeScript CLI under tsx) and waits until it is taking jobs. */
export async function startWorker(
  url: string,
  queue: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  launch: WorkerLaunch = {},
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(launch.built === true ? [BUILT_CLI] : ['--import', 'tsx', CLI]),
      '--connection',
      url,
      '--queue',
      queue,
      '--tasks',
      launch.tasks ?? TASKS,
      ...FAST,
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let stderr = '';
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('ready (pid')) resolve();
    });
    exit.then(([code, signal]) =>
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${stderr}`)),
    );
  });
  return {
    child,
    pid: child.pid!,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exit;
      return code ?? sig ?? -1;
    },
  };
}

/** Polls `check` every 20 ms until it returns true; throws after `limitMs` with `what`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  limitMs = 15_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
