// The queue at scale, on redis-servers this script starts on loopback (never in npm test):
//   node bench/queue-scale/run.mjs [--quick] [--only scaling,efficiency,backlog,idle]
//     [--workers 1,2,4] [--jobs 6000] [--slots 4,8,16] [--burst-s 3] [--backlog 50000] [--idle-s 10]
// BENCH_WORKER_NODE_ARGS (e.g. --cpu-prof) passes Node flags to the workers; BENCH_SHOW_WORKER=1 shows their stderr.
// Prints markdown tables: jobs/s and latency against workers, Redis commands and bytes
// per job by type, a single worker's efficiency on 10 ms tasks (beside BullMQ alone's), a backlog with the
// re-check on and off, and idle commands per second; each with the host and its load.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QueueExecutor, startLocalRedis } from 'concur-queue';
import { bareBullmqBurst } from './bare-bullmq.mjs';
import { difference, snapshot, statsClient } from './redis-stats.mjs';
import { noop, pause } from './tasks.mjs';

const CLI = fileURLToPath(new URL('../../packages/queue/dist/worker-cli.js', import.meta.url));
const TASKS = fileURLToPath(new URL('./tasks.mjs', import.meta.url));
const SLOTS = 16;
/** Node flags for the worker processes, to profile them: BENCH_WORKER_NODE_ARGS='--cpu-prof'. */
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TASK_MS = 10;
/** setInterval's longest delay: the re-check never runs within a bench. */
const NEVER_MS = 2_000_000_000;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    workers: { type: 'string' },
    jobs: { type: 'string' },
    slots: { type: 'string' },
    'burst-s': { type: 'string' },
    backlog: { type: 'string' },
    'idle-s': { type: 'string' },
  },
});
const quick = flags.quick === true;
const size = (name, full, small) => Number(flags[name] ?? (quick ? small : full));
const config = {
  workers: (flags.workers ?? (quick ? '1,2' : '1,2,4')).split(',').map(Number),
  jobs: size('jobs', 6000, 1500),
  slots: (flags.slots ?? (quick ? '4,16' : '4,8,16')).split(',').map(Number),
  burstS: size('burst-s', 3, 1),
  backlog: size('backlog', 50_000, 5000),
  idleS: size('idle-s', 10, 3),
};
const only = new Set((flags.only ?? 'scaling,efficiency,backlog,idle').split(','));

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.slice(line.indexOf(':') + 1).trim() ?? os.cpus()[0]?.model ?? 'unknown';
}

function load() {
  return os.loadavg()[0].toFixed(1);
}

function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

let queueCount = 0;

/** A redis-server, `workers` queue worker processes of SLOTS slots each, and an executor. */
async function setup(workers, executorOptions = {}, slots = SLOTS) {
  const redis = await startLocalRedis();
  const queue = `scale-${process.pid}-${queueCount++}`;
  const children = [];
  for (let i = 0; i < workers; i++) children.push(await startWorker(redis.url, queue, slots));
  const executor = new QueueExecutor({ connection: redis.url, queue, ...executorOptions });
  const stats = statsClient(redis.port);
  const teardown = async () => {
    await executor.shutdown({ cancelPending: true });
    await Promise.all(children.map(stopWorker));
    stats.disconnect();
    await redis.stop();
  };
  const workerCpuS = () => children.reduce((sum, child) => sum + processCpuS(child.pid), 0);
  return { redis, queue, executor, stats, teardown, workerCpuS };
}

/** User + system CPU seconds a child process used so far (Linux: /proc). */
function processCpuS(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function startWorker(url, queue, slots) {
  const child = spawn(
    process.execPath,
    [
      ...WORKER_NODE_ARGS,
      CLI,
      '--connection',
      url,
      '--queue',
      queue,
      '--tasks',
      TASKS,
      '--model',
      'async',
      '--concurrency',
      String(slots),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      if (process.env.BENCH_SHOW_WORKER) process.stderr.write(chunk);
      err += chunk;
      if (/ready \(pid/.test(err)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
  return child;
}

function stopWorker(child) {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/** Runs `jobs` calls of `call(i)`, at most `inFlight` at once; latency from submit to result. */
async function drive(jobs, inFlight, call) {
  const latency = new Float64Array(jobs);
  const doneAt = new Float64Array(jobs);
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < jobs) {
      const i = next++;
      const began = performance.now();
      await call(i);
      const now = performance.now();
      latency[i] = now - began;
      doneAt[i] = now - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, jobs) }, lane));
  return { seconds: (performance.now() - start) / 1000, latency, doneAt };
}

/** Jobs per second between the 10th and the 90th percentile of completions: the steady rate. */
function steadyRate(doneAt) {
  const sorted = Float64Array.from(doneAt).sort();
  const a = sorted[Math.floor(sorted.length * 0.1)];
  const b = sorted[Math.floor(sorted.length * 0.9)];
  return (Math.floor(sorted.length * 0.9) - Math.floor(sorted.length * 0.1)) / ((b - a) / 1000);
}

async function measured(s, body) {
  const stats = s.stats;
  const before = await snapshot(stats);
  const workerCpu = s.workerCpuS();
  const cpu = process.cpuUsage();
  const loadBefore = load();
  const result = await body();
  const used = process.cpuUsage(cpu);
  const redis = difference(before, await snapshot(stats));
  return {
    ...result,
    redis,
    executorCpuS: (used.user + used.system) / 1e6,
    workerCpuS: s.workerCpuS() - workerCpu,
    loadBefore,
    loadAfter: load(),
  };
}

async function scaling() {
  const rows = [];
  let perType;
  for (const workers of config.workers) {
    const s = await setup(workers);
    try {
      await drive(200, 64, (i) => s.executor.submit(noop, i));
      const inFlight = workers * SLOTS * 2;
      const r = await measured(s, () =>
        drive(config.jobs, inFlight, (i) => s.executor.submit(noop, i)),
      );
      const n = config.jobs;
      rows.push(
        `| ${workers} | ${inFlight} | ${f0(n / r.seconds)} | ${f2(percentile(r.latency, 50))} | ${f2(percentile(r.latency, 99))} | ` +
          `${f1(r.redis.total / n)} | ${f0(r.redis.input / n)} | ${f0(r.redis.output / n)} | ${f0((r.redis.cpuS / n) * 1e6)} | ` +
          `${f0((r.executorCpuS / n) * 1e6)} | ${f0((r.workerCpuS / n) * 1e6)} | ${f0(n / r.redis.cpuS)} | ${f0(n / r.executorCpuS)} | ${f0(n / r.workerCpuS)} | ${f0(r.redis.memory / n)} | ${r.loadBefore} / ${r.loadAfter} |`,
      );
      if (workers === config.workers[0]) perType = r.redis;
    } finally {
      await s.teardown();
    }
  }
  console.log(
    `\n### Throughput against workers (noop tasks, ${config.jobs} jobs, closed loop: 2 x slots in flight; ${SLOTS} async slots per worker)\n`,
  );
  console.log(
    '| workers | in flight | jobs/s | p50 ms | p99 ms | Redis cmds/job | bytes in/job | bytes out/job | Redis CPU µs/job | executor CPU µs/job | worker CPU µs/job | jobs/s per Redis core | jobs/s per executor core | jobs/s per worker core | Redis memory/job kept (B) | load 1 min before / after |',
  );
  console.log(
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const row of rows) console.log(row);
  console.log(`\n### Redis commands per job by type (${config.workers[0]} worker, same run)\n`);
  console.log('| command | per job |');
  console.log('| --- | ---: |');
  for (const [name, calls] of [...perType.calls].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${name} | ${f2(calls / config.jobs)} |`);
  }
}

async function efficiency() {
  const rows = [];
  for (const slots of config.slots) {
    const s = await setup(1, {}, slots);
    try {
      await drive(100, 32, (i) => s.executor.submit(pause, 1, i));
      const ideal = slots * (1000 / TASK_MS);
      const n = Math.round(ideal * config.burstS);
      const r = await measured(s, () => drive(n, n, (i) => s.executor.submit(pause, TASK_MS, i)));
      const steady = steadyRate(r.doneAt);
      const perJob = (x) => f0((x / n) * 1e6);
      // The same burst through BullMQ alone, on the same server, right after.
      const bare = steadyRate(await bareBullmqBurst(s.redis.port, slots, n, TASK_MS));
      rows.push(
        `| ${slots} | ${n} | ${ideal} | ${f0(n / r.seconds)} | ${f0(steady)} | ${f2(steady / ideal)} | ${f0(bare)} (${f2(bare / ideal)}) | ${f2(steady / bare)} | ${f0(Math.min(...r.doneAt))} | ` +
          `${perJob(r.redis.cpuS)} / ${perJob(r.executorCpuS)} / ${perJob(r.workerCpuS)} | ${r.loadBefore} / ${load()} |`,
      );
    } finally {
      await s.teardown();
    }
  }
  console.log(
    `\n### One worker, ${TASK_MS} ms tasks, a burst of ${config.burstS} s of ideal work (ideal: slots x 1000 / ${TASK_MS} jobs/s)\n`,
  );
  console.log(
    '| slots | jobs | ideal jobs/s | jobs/s (whole burst) | jobs/s (steady: 10th-90th percentile of completions) | steady / ideal | BullMQ alone: steady jobs/s (/ ideal) | concur / BullMQ alone | first result ms | CPU µs/job: Redis / executor / worker | load 1 min before / after |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const row of rows) console.log(row);
}

async function backlog() {
  const rows = [];
  const rates = {};
  for (const [label, reconcileIntervalMs] of [
    ['off', NEVER_MS],
    ['default (5000 ms)', 5000],
  ]) {
    const s = await setup(1, { reconcileIntervalMs });
    try {
      const n = config.backlog;
      const r = await measured(s, () => drive(n, n, (i) => s.executor.submit(pause, TASK_MS, i)));
      rates[label] = n / r.seconds;
      const c = (name) => r.redis.calls.get(name) ?? 0;
      rows.push(
        `| ${label} | ${f1(r.seconds)} | ${f0(n / r.seconds)} | ${f1(r.redis.cpuS)} | ${c('lpos')} | ${f2(c('hmget') / n)} | ${c('xinfo|stream')} | ${r.loadBefore} / ${r.loadAfter} |`,
      );
    } finally {
      await s.teardown();
    }
  }
  console.log(
    `\n### A backlog of ${config.backlog} jobs, one worker, ${SLOTS} slots, ${TASK_MS} ms tasks\n`,
  );
  console.log(
    '| re-check | wall s | jobs/s | Redis CPU s | LPOS | HMGET per job (BullMQ itself sends 3) | XINFO | load 1 min before / after |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) console.log(row);
  console.log(`\nDefault / off: ${f2(rates['default (5000 ms)'] / rates.off)}x the throughput.`);
}

async function idle() {
  const s = await setup(1);
  try {
    await s.executor.submit(noop, 0);
    const r = await measured(s, async () => {
      await new Promise((resolve) => setTimeout(resolve, config.idleS * 1000));
      return {};
    });
    console.log(`\n### Idle: one executor and one worker, nothing to do, ${config.idleS} s\n`);
    console.log('| command | per second |');
    console.log('| --- | ---: |');
    for (const [name, calls] of [...r.redis.calls].sort((a, b) => b[1] - a[1])) {
      console.log(`| ${name} | ${f2(calls / r.redis.seconds)} |`);
    }
    console.log(`| all | ${f2(r.redis.total / r.redis.seconds)} |`);
    console.log(
      `\nRedis CPU ${f2((r.redis.cpuS / r.redis.seconds) * 100)}% of a core; load ${r.loadBefore} / ${r.loadAfter}.`,
    );
  } finally {
    await s.teardown();
  }
}

console.log(
  `## Queue scale bench\n\nHost: ${cpuModel()}, ${os.availableParallelism()} cores, Node ${process.version}, ` +
    `redis-server on loopback; 1-minute load average at start ${load()}.${quick ? ' Quick sizes.' : ''}`,
);
if (only.has('scaling')) await scaling();
if (only.has('efficiency')) await efficiency();
if (only.has('backlog')) await backlog();
if (only.has('idle')) await idle();
