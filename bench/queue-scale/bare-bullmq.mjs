// The baseline of the single-worker efficiency: BullMQ alone, as a user would run it
// without concur (no start handshake, no codec), on the same redis-server: a Worker of
// `slots` concurrency in a process of its own waiting TASK_MS per job, jobs added in one
// addBulk, completions heard through QueueEvents. Run as a script, this file is that worker.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[1] === SELF) {
  const [port, name, slots] = process.argv.slice(2);
  const worker = new Worker(
    name,
    async (job) => {
      await new Promise((resolve) => setTimeout(resolve, job.data.ms));
      return job.data.i;
    },
    { connection: { host: '127.0.0.1', port: Number(port) }, concurrency: Number(slots) },
  );
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => worker.close().then(() => process.exit(0)));
}

/**
 * Completion times (ms from the first add) of `jobs` jobs of `taskMs` each through a bare
 * BullMQ worker of `slots` concurrency, on the redis-server at `port`.
 */
export async function bareBullmqBurst(port, slots, jobs, taskMs) {
  const name = `bare-${process.pid}-${slots}-${Date.now()}`;
  const connection = { host: '127.0.0.1', port };
  const child = spawn(process.execPath, [SELF, String(port), name, String(slots)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`the bare BullMQ worker exited (${code})`)));
  });
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    const doneAt = [];
    let start = 0;
    const all = new Promise((resolve) => {
      events.on('completed', () => {
        doneAt.push(performance.now() - start);
        if (doneAt.length === jobs) resolve();
      });
    });
    start = performance.now();
    await queue.addBulk(
      Array.from({ length: jobs }, (_, i) => ({ name: 'pause', data: { ms: taskMs, i } })),
    );
    await all;
    return doneAt;
  } finally {
    child.kill('SIGTERM');
    await exited;
    await events.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}
