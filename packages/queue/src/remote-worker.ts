import { availableParallelism, hostname } from 'node:os';
import { type Job as BullJob, Worker } from 'bullmq';
import type { Executor } from 'concur';
import { AbortError, CancelledError, DataCloneError, TaskNotFoundError } from 'concur';
import type { AnyTask } from 'concur/backend';
import {
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  invalid,
  JobMode,
} from 'concur/backend';
import { Redis } from 'ioredis';
import { describeConnection, parseConnection, type QueueConnection } from './connection.ts';
import { toBullError } from './error-codec.ts';
import { isJobCodec, type JobCodec, jsonCodec } from './job-codec.ts';
import {
  abortChannel,
  JOB_FORMAT,
  type QueueJobData,
  type QueueJobResult,
  replyChannel,
} from './job-data.ts';
import { createLocalExecutor, type LocalModel } from './local-executor.ts';
import { checkQueueName } from './queue-options.ts';
import { goneAfterMs, START_ANSWER_MS, StartRequests } from './start-requests.ts';
import { TaskResolver } from './task-identity.ts';
import { within } from './within.ts';

export interface QueueWorkerOptions {
  /** Redis, as for QueueExecutor. */
  connection: QueueConnection;
  /** Queue name, as given to QueueExecutor. */
  queue: string;
  /** A task module, or a folder of them: the only code this worker will run. */
  tasks: string;
  /** The local executor that runs the jobs. @default 'thread' */
  model?: LocalModel;
  /** Threads or processes (ignored for 'async'). @default os.availableParallelism() */
  workers?: number;
  /** Tasks at once in each thread or process; for 'async', in all. @default 1 ('async': 16) */
  concurrency?: number;
  /** Must match the executors'. @default JSON */
  codec?: JobCodec;
  /** Redis key prefix; must match the executors'. @default 'concur' */
  prefix?: string;
  /** A job whose worker stops renewing its lock for this long counts as stalled. @default 30_000 */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs and hands them to the queue again. @default 30_000 */
  stalledIntervalMs?: number;
  /** On close, how long running jobs get to finish before they are handed back to the queue. @default 30_000 */
  graceMs?: number;
  /** Where progress lines go. @default a line on stderr */
  log?: (line: string) => void;
  /** How often to log counts (when they changed); 0 for never. @default 5000 */
  progressIntervalMs?: number;
}

export interface QueueWorkerStats {
  completed: number;
  failed: number;
  running: number;
}

export interface QueueWorkerHandle {
  /** Resolves once the worker is connected and taking jobs. */
  readonly ready: Promise<void>;
  stats(): QueueWorkerStats;
  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs`, hands the
   * rest back to the queue, and releases everything. Safe to call more than once.
   */
  close(): Promise<void>;
}

const KEYS = [
  'connection',
  'queue',
  'tasks',
  'model',
  'workers',
  'concurrency',
  'codec',
  'prefix',
  'lockDurationMs',
  'stalledIntervalMs',
  'graceMs',
  'log',
  'progressIntervalMs',
] as const;

/** Job ids of recent abort requests kept, for jobs not yet started here. */
const ABORTS_REMEMBERED = 10_000;

/** Longest wait for one Redis step of close() (hand back, disconnect) when Redis does not answer. */
const REDIS_STEP_MS = 2000;

/** Thrown inside the processor for jobs no retry can fix. */
class FinalFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A long-running queue worker: takes jobs from the queue and runs them on a
 * local concur executor (threads by default), so one worker uses every core of
 * its machine. It runs only tasks exported by modules under `tasks`.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  checkObject('options', options);
  checkKnownKeys('runQueueWorker()', options, KEYS);
  const redis = parseConnection(options.connection);
  const queueName = checkQueueName('queue', options.queue);
  if (typeof options.tasks !== 'string' || options.tasks === '') {
    throw invalid('tasks', 'the path of a task module or folder', options.tasks);
  }
  const resolver = new TaskResolver(options.tasks);
  await resolver.preload();
  // Error classes a task module exports travel by their module's path under the root.
  const naming = { moduleName: (url: string) => resolver.moduleName(url) };
  const model = checkOneOf('model', options.model ?? 'thread', [
    'thread',
    'process',
    'async',
  ] as const);
  const workers = checkInteger('workers', options.workers ?? availableParallelism(), 1);
  const concurrency = checkInteger(
    'concurrency',
    options.concurrency ?? (model === 'async' ? 16 : 1),
    1,
  );
  if (options.codec !== undefined && !isJobCodec(options.codec)) {
    throw invalid(
      'codec',
      'an object with name, encode(value, root) and decode(text)',
      options.codec,
    );
  }
  const codec = options.codec ?? jsonCodec;
  const prefix = options.prefix ?? 'concur';
  const lockDuration = checkInteger('lockDurationMs', options.lockDurationMs ?? 30_000, 100);
  const stalledInterval = checkInteger(
    'stalledIntervalMs',
    options.stalledIntervalMs ?? 30_000,
    100,
  );
  const graceMs = checkInteger('graceMs', options.graceMs ?? 30_000, 0);
  const progressMs = checkInteger('progressIntervalMs', options.progressIntervalMs ?? 5000, 0);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const local: Executor = await createLocalExecutor(model, workers, concurrency);
  const capacity = model === 'async' ? concurrency : workers * concurrency;
  const counts: QueueWorkerStats = { completed: 0, failed: 0, running: 0 };
  const active = new Map<string, { job: BullJob; token: string | undefined }>();
  let idleWaiters: (() => void)[] = [];
  const aborted = new Set<string>();
  const publisher = new Redis({ ...redis, connectionName: `concur:worker-start:${queueName}` });
  publisher.on('error', () => {});
  const workerId = `${hostname()}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const requests = new StartRequests(
    publisher,
    prefix,
    queueName,
    replyChannel(prefix, queueName, workerId),
  );
  const idle = (): Promise<void> =>
    active.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));

  const runChunk = async (task: AnyTask, mode: JobMode, items: unknown[], signal: AbortSignal) => {
    const values: unknown[] = [];
    // The executor already sized the chunk and its items are all here: a pool gets four
    // pieces per slot at once rather than 'auto' starting again from one item. (The async
    // model keeps 'auto', which gives an async task's items one slot each, to overlap.)
    const chunksize =
      model === 'async' ? 'auto' : Math.max(1, Math.ceil(items.length / (capacity * 4)));
    try {
      const results =
        mode === JobMode.StarmapChunk
          ? local.starmap(task, items as unknown[][], { signal, chunksize })
          : local.map(task, items, { signal, chunksize });
      for await (const value of results) values.push(value);
    } catch (error) {
      throw { chunkError: error, values };
    }
    return values;
  };

  const processor = async (
    job: BullJob,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ) => {
    const data = job.data as QueueJobData;
    const abort = signal ?? new AbortController().signal;
    active.set(job.id!, { job, token });
    counts.running++;
    let refused = false;
    try {
      if (aborted.has(job.id!)) {
        throw new FinalFailure(
          new AbortError('The task was cancelled or aborted by its submitter before it started'),
        );
      }
      if (
        data?.v !== JOB_FORMAT ||
        typeof data.payload !== 'string' ||
        typeof data.from !== 'string' ||
        !(typeof data.beat === 'number' && data.beat > 0)
      ) {
        throw new FinalFailure(
          new TaskNotFoundError(
            `Job ${job.id} is not a concur job of format ${JOB_FORMAT}; is another program using queue ${queueName}?`,
          ),
        );
      }
      if (data.codec !== codec.name) {
        throw new FinalFailure(
          new DataCloneError(
            `Job ${job.id} was encoded with codec \`${data.codec}\`, this worker has \`${codec.name}\`; start the worker with the same codec`,
          ),
        );
      }
      let task: AnyTask;
      let payload: unknown[];
      try {
        task = await resolver.resolve(data.task);
        payload = codec.decode(data.payload) as unknown[];
      } catch (error) {
        throw new FinalFailure(error);
      }
      // Only the submitting executor knows whether the job was cancelled meanwhile.
      const answer = await requests.ask(job.id!, data.from, data.beat);
      if (answer === 'no') {
        refused = true;
        throw new FinalFailure(new CancelledError('The task was cancelled before it started'));
      }
      if (answer === 'gone') {
        throw new FinalFailure(
          new AbortError(
            `The executor that submitted job ${job.id} has stopped without shutting down (no sign of life for ${goneAfterMs(data.beat)} ms), so the job is dropped`,
          ),
        );
      }
      if (answer === 'silent') {
        throw new FinalFailure(
          new AbortError(
            `The executor that submitted job ${job.id} is alive but did not answer within ${START_ANSWER_MS} ms, so the job is dropped`,
          ),
        );
      }
      if (answer === 'closed') throw new AbortError('The worker stopped before the job started');
      let result: unknown;
      const began = performance.now();
      if (data.mode === JobMode.Call) {
        try {
          result = await local.submitWith(task, payload as unknown[], { signal: abort });
        } catch (error) {
          if (abort.aborted) throw new FinalFailure(error);
          throw toBullError(error, {}, false, naming);
        }
      } else {
        try {
          result = await runChunk(task, data.mode, payload, abort);
        } catch (failure) {
          const { chunkError, values } = failure as { chunkError: unknown; values: unknown[] };
          let encoded = '[]';
          try {
            encoded = codec.encode(values, 'result');
          } catch {
            // The failure still travels, without the values before it.
          }
          throw toBullError(
            chunkError,
            { index: values.length, values: encoded },
            abort.aborted,
            naming,
          );
        }
      }
      try {
        const done: QueueJobResult = {
          v: codec.encode(result, 'result'),
          ms: performance.now() - began,
        };
        return done;
      } catch (error) {
        throw new FinalFailure(error);
      }
    } catch (error) {
      if (!refused) counts.failed++;
      if (error instanceof FinalFailure) throw toBullError(error.error, {}, true, naming);
      throw error;
    } finally {
      counts.running--;
      active.delete(job.id!);
      if (active.size === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  };

  const worker = new Worker(queueName, processor, {
    connection: { ...redis, connectionName: `concur:worker:${queueName}` },
    prefix,
    concurrency: capacity,
    lockDuration,
    stalledInterval,
    name: `concur-worker@${hostname()}:${process.pid}`,
    autorun: true,
  });
  let lastError = '';
  worker.on('error', (error: Error) => {
    // ioredis reconnects; say so once per distinct error rather than once per retry.
    if (error.message !== lastError) {
      lastError = error.message;
      log(`concur worker: ${error.message}`);
    }
  });
  worker.on('completed', () => {
    counts.completed++;
  });
  worker.on('ready', () => {
    lastError = '';
  });

  const subscriber = new Redis({ ...redis, connectionName: `concur:worker-abort:${queueName}` });
  subscriber.on('error', () => {});
  const channel = abortChannel(prefix, queueName);
  const subscribed = subscriber.subscribe(channel, requests.replyChannel);
  subscribed.catch(() => {});
  subscriber.on('message', (from: string, id: string) => {
    if (from === requests.replyChannel) {
      requests.answer(id);
      return;
    }
    // The abort can arrive before the job reaches this worker's processor: remember it.
    aborted.add(id);
    if (aborted.size > ABORTS_REMEMBERED) aborted.delete(aborted.values().next().value!);
    if (active.has(id)) worker.cancelJob(id, 'aborted by the submitter');
  });

  let timer: NodeJS.Timeout | undefined;
  if (progressMs > 0) {
    let last = '';
    timer = setInterval(() => {
      const line = `${counts.completed} done, ${counts.failed} failed, ${counts.running} running`;
      if (line !== last) log(`concur worker: ${line}`);
      last = line;
    }, progressMs);
    timer.unref();
  }

  const ready = Promise.all([worker.waitUntilReady(), subscribed]).then(() => {
    log(
      `concur worker: queue ${queueName} on ${describeConnection(redis)}, tasks from ${resolver.root}, ` +
        `${model} model, ${model === 'async' ? '' : `${workers} workers x `}${concurrency} at once; ready (pid ${process.pid})`,
    );
  });
  ready.catch(() => {});

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (timer !== undefined) clearInterval(timer);
      log(
        `concur worker: stopping; ${active.size} running job(s) get up to ${graceMs} ms to finish`,
      );
      // Stops fetching at once; resolves when running jobs are done and Redis has heard.
      const gentle = worker.close().catch(() => {});
      const finished = await within(idle(), graceMs);
      if (!finished && active.size > 0) {
        const handedBack = [...active.values()];
        await within(
          Promise.allSettled(handedBack.map(({ job, token }) => job.moveToWait(token))),
          REDIS_STEP_MS,
        );
        log(`concur worker: handed ${handedBack.length} unfinished job(s) back to the queue`);
      }
      // Redis may be unreachable: none of these may wait for ever.
      if (!(await within(gentle, REDIS_STEP_MS))) {
        await within(
          worker.disconnect().catch(() => {}),
          REDIS_STEP_MS,
        );
      }
      await within(local.shutdown({ wait: finished, cancelPending: true }), graceMs);
      requests.close();
      subscriber.disconnect();
      publisher.disconnect();
      log(`concur worker: stopped; ${counts.completed} done, ${counts.failed} failed`);
    })();
    return closing;
  };

  return { ready, stats: () => ({ ...counts }), close };
}
