import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Executor } from 'concur';
import { describeConnection } from './connection.ts';
import { abortChannel, replyChannel } from './job-data.ts';
import { JobProcessor, type QueueWorkerStats } from './job-processor.ts';
import { JobRunner } from './job-runner.ts';
import { createLocalExecutor } from './local-executor.ts';
import { checkTopology, openRedis, type RedisClient } from './redis-client.ts';
import { shardSubscribe } from './shard-channel.ts';
import { StartRequests } from './start-requests.ts';
import { within } from './within.ts';
import {
  type QueueWorkerOptions,
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
} from './worker-options.ts';
import { WorkerTasks } from './worker-tasks.ts';

export type { QueueWorkerStats } from './job-processor.ts';
export type { QueueWorkerOptions } from './worker-options.ts';

/** A running queue worker, from `runQueueWorker()`. */
export interface QueueWorkerHandle {
  /** Resolves once the worker is connected and taking jobs. */
  readonly ready: Promise<void>;
  /** Job counts so far. */
  stats(): QueueWorkerStats;
  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs`, hands the
   * rest back to the queue, and releases everything. Settles within `graceMs` plus
   * REDIS_CLOSE_MS whatever the state of Redis. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * After the grace time, the longest close() spends on Redis (handing jobs back,
 * closing connections) and on stopping the local executor: Redis may be unreachable.
 */
export const REDIS_CLOSE_MS = 2000;

/**
 * A long-running queue worker: takes jobs from the queue and runs them on a
 * local concur executor (threads by default), so one worker uses every core of
 * its machine. It imports the modules `tasks` names at start and runs only the
 * tasks they export.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const o = resolveWorkerOptions(options);
  const tasks = await WorkerTasks.load(o.tasks, o.tasksRoot);
  const local = createLocalExecutor(o.model, o.workers, o.concurrency);
  const publisher = openRedis(o.redis, `concur:worker-start:${o.queue}`);
  publisher.on('error', () => {});
  const workerId = `${hostname()}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const requests = new StartRequests(
    publisher,
    o.prefix,
    o.queue,
    replyChannel(o.prefix, o.queue, workerId),
  );
  const runner = new JobRunner(local, o.model === 'async' ? undefined : o.capacity);
  const processor = new JobProcessor(tasks, o.codec, o.queue, requests, runner, o.capacity);
  const connection = openRedis(o.redis, `concur:worker:${o.queue}`);
  connection.on('error', () => {});
  const worker = startBullWorker(o, processor, connection);
  const subscriber = listen(o, requests, processor, worker);
  const timer = logProgress(o, processor);
  // Jobs are fetched only once the topology is right: on the wrong one, every fetch
  // fails at once and the worker would retry without end.
  const checked = checkTopology(publisher, o.redis).then(() => {
    void worker.run().catch(() => {});
  });
  // The topology's refusal first: on the wrong one, the others fail less clearly (CROSSSLOT).
  const ready = checked
    .then(() => Promise.all([worker.waitUntilReady(), subscriber.subscribed]))
    .then(() => {
      o.log(
        `concur worker: queue ${o.queue} on ${describeConnection(o.redis)}, ${tasks.size} task(s) from ${tasks.modules.join(', ')}, ` +
          `${o.model} model, ${o.model === 'async' ? '' : `${o.workers} workers x `}${o.concurrency} at once; ready (pid ${process.pid})`,
      );
    });
  ready.catch(() => {});
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (timer !== undefined) clearInterval(timer);
      await stop(o, processor, worker, local);
      requests.close();
      subscriber.client.disconnect();
      publisher.disconnect();
      connection.disconnect();
      const { completed, failed } = processor.counts;
      o.log(`concur worker: stopped; ${completed} done, ${failed} failed`);
    })();
    return closing;
  };
  return { ready, stats: () => ({ ...processor.counts }), close };
}

function startBullWorker(
  o: ResolvedWorkerOptions,
  processor: JobProcessor,
  connection: RedisClient,
): Worker {
  const worker = new Worker(o.queue, processor.process, {
    connection,
    prefix: o.prefix,
    concurrency: o.capacity,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    name: `concur-worker@${hostname()}:${process.pid}`,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error: Error) => {
    // ioredis reconnects; say so once per distinct error rather than once per retry.
    // Retry delays and ports change between retries ("Retrying from scratch after 870ms"):
    // without its numbers, the same error is said once.
    const gist = error.message.replace(/\d+/g, '#');
    if (gist !== lastError) {
      lastError = gist;
      o.log(`concur worker: ${error.message}`);
    }
  });
  // Holds more jobs than slots while jobs are short (see WorkerSlots.holding).
  processor.slots.onHolding = (holding) => {
    if (worker.concurrency !== holding) worker.concurrency = holding;
  };
  worker.on('completed', () => {
    processor.counts.completed++;
  });
  worker.on('ready', () => {
    lastError = '';
  });
  return worker;
}

/** Hears abort requests for jobs (running or not yet taken) and answers to start requests. */
function listen(
  o: ResolvedWorkerOptions,
  requests: StartRequests,
  processor: JobProcessor,
  worker: Worker,
): { client: RedisClient; subscribed: Promise<unknown> } {
  const client = openRedis(o.redis, `concur:worker-abort:${o.queue}`, true);
  client.on('error', () => {});
  const channel = abortChannel(o.prefix, o.queue);
  const subscribed = shardSubscribe(client, [channel, requests.replyChannel], (from, message) => {
    if (from === requests.replyChannel) requests.answer(message);
    else if (processor.abortRequested(message)) {
      worker.cancelJob(message, 'aborted by the submitter');
    }
  });
  subscribed.catch(() => {});
  return { client, subscribed };
}

function logProgress(
  o: ResolvedWorkerOptions,
  processor: JobProcessor,
): NodeJS.Timeout | undefined {
  if (o.progressIntervalMs === 0) return undefined;
  let last = '';
  const timer = setInterval(() => {
    const { completed, failed, running } = processor.counts;
    const line = `${completed} done, ${failed} failed, ${running} running`;
    if (line !== last) o.log(`concur worker: ${line}`);
    last = line;
  }, o.progressIntervalMs);
  timer.unref();
  return timer;
}

/** close()'s steps, each bounded: jobs get graceMs, everything after it REDIS_CLOSE_MS in all. */
async function stop(
  o: ResolvedWorkerOptions,
  processor: JobProcessor,
  worker: Worker,
  local: Executor,
): Promise<void> {
  o.log(
    `concur worker: stopping; ${processor.active.size} running job(s) get up to ${o.graceMs} ms to finish`,
  );
  processor.stop();
  // Stops fetching at once; resolves when running jobs are done and Redis has heard.
  const gentle = worker.close().catch(() => {});
  const finished = await within(processor.idle(), o.graceMs);
  const deadline = performance.now() + REDIS_CLOSE_MS;
  const left = () => Math.max(0, deadline - performance.now());
  if (!finished && processor.active.size > 0) {
    const handedBack = [...processor.active.values()];
    await within(
      Promise.allSettled(handedBack.map(({ job, token }) => job.moveToWait(token))),
      left(),
    );
    o.log(`concur worker: handed ${handedBack.length} unfinished job(s) back to the queue`);
  }
  if (!(await within(gentle, left()))) {
    // Redis does not answer: drop the connections rather than wait for it.
    void worker.disconnect().catch(() => {});
  }
  await within(local.shutdown({ wait: finished, cancelPending: true }), Math.max(left(), 100));
}
