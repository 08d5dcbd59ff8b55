import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { fromBullFailure } from '../../packages/queue/src/error-codec.ts';
import { type LocalRedis, startLocalRedis } from '../../packages/queue/src/local-redis.ts';

export const TASKS = fileURLToPath(new URL('../fixtures/queue/tasks.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/queue/src/worker-cli.ts', import.meta.url));
const BUILT_CLI = fileURLToPath(
  new URL('../../packages/queue/dist/worker-cli.js', import.meta.url),
);
const LAB_CLI = fileURLToPath(new URL('../../packages/lab/src/cli.ts', import.meta.url));

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

const madeDirs: string[] = [];

/** A new temporary folder, removed when the test process exits. */
export function tempDir(): string {
  if (madeDirs.length === 0) {
    process.once('exit', () => {
      for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'concur-queue-'));
  madeDirs.push(dir);
  return dir;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stderr(): string;
  /** The process has exited. */
  exited(): boolean;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Short lock and stall intervals: a killed worker's job is taken back within about a second. */
export const FAST = ['--lock-ms', '1000', '--stalled-interval-ms', '500', '--grace-ms', '3000'];

/** The two ways to start a worker: the concur-worker bin, and the lab's `concur worker` command. */
export const BINS = {
  'concur-worker': [CLI],
  'concur worker': ['--conditions=concur-source', LAB_CLI, 'worker'],
} as const;
export type WorkerBin = keyof typeof BINS;

export interface StartOptions {
  /** --tasks modules (a folder stands for its index module). @default [TASKS] */
  tasks?: string | readonly string[];
  /**
   * Run the built dist/worker-cli.js with plain node, as `npx concur-worker` does, instead
   * of the TypeScript CLI under tsx (whose require hook would load a second copy of concur
   * for a CommonJS task module).
   */
  built?: boolean;
  /** @default 'concur-worker' */
  bin?: WorkerBin;
  /** Resolve once stderr has this. @default 'ready (pid' */
  waitFor?: string;
}

/**
 * Starts `concur worker` (the TypeScript CLI under tsx) and waits until it is taking jobs.
 * `url` is --connection's value, or the flags that name Redis instead (--cluster, --sentinel).
 */
export async function startWorker(
  url: string | readonly string[],
  queue: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  options: StartOptions = {},
): Promise<WorkerProcess> {
  const modules = options.tasks ?? [TASKS];
  const tasks = (typeof modules === 'string' ? [modules] : modules).flatMap((path) => [
    '--tasks',
    path,
  ]);
  const child = spawn(
    process.execPath,
    [
      ...(options.built === true
        ? [BUILT_CLI]
        : ['--import', 'tsx', ...BINS[options.bin ?? 'concur-worker']]),
      ...(typeof url === 'string' ? ['--connection', url] : url),
      '--queue',
      queue,
      ...tasks,
      ...FAST,
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let stderr = '';
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = options.waitFor ?? 'ready (pid';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(waitFor)) resolve();
    });
    exit.then(([code, signal]) =>
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${stderr}`)),
    );
  });
  return {
    child,
    pid: child.pid!,
    stderr: () => stderr,
    exited: () => child.exitCode !== null || child.signalCode !== null,
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

/** What a raw job ended as: its state, BullMQ's failedReason, and the error the worker stored. */
export interface RawOutcome {
  state: string;
  reason: string;
  error: unknown;
}

/**
 * Adds jobs with the given `data` straight through BullMQ, as another program (or an
 * attacker with access to Redis) could, and waits until each has failed or completed.
 */
export async function rawJobs(inspect: Queue, data: readonly unknown[]): Promise<RawOutcome[]> {
  const jobs = await inspect.addBulk(
    data.map((d) => ({ name: 'raw', data: d as object, opts: { removeOnComplete: false } })),
  );
  const outcomes: RawOutcome[] = [];
  for (const job of jobs) {
    let state = '';
    await until(
      `raw job ${job.id} to finish`,
      async () => {
        state = await inspect.getJobState(job.id!);
        return state === 'failed' || state === 'completed';
      },
      60_000,
    );
    const done = (await inspect.getJob(job.id!))!;
    const { error } = fromBullFailure(done.stacktrace, done.failedReason ?? '');
    outcomes.push({ state, reason: done.failedReason ?? '', error });
  }
  return outcomes;
}

/** A concur job (format 3) with the given fields replaced; `undefined` removes one. */
export function concurJob(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const job: Record<string, unknown> = {
    v: 3,
    task: { module: 'tasks.ts', name: 'add' },
    mode: 0,
    codec: 'json',
    payload: '[1,2]',
    from: 'no-such-executor',
    beat: 5000,
    ...fields,
  };
  for (const key of Object.keys(job)) if (job[key] === undefined) delete job[key];
  return job;
}
