import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { median } from './stats.mjs';

/**
 * The host a run measured: the same pool can be fast on one machine and slow on another
 * only because waking a sleeping thread costs 10 µs there and 150 µs here, so every
 * result carries the CPU, the cores, the load and the measured cost of a wake-up.
 */
export async function probeHost({ samples = 200, sleepMs = 2 } = {}) {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    threadWakeUs: await threadWakeUs(samples, sleepMs),
    processWakeUs: await processWakeUs(samples, sleepMs),
  };
}

/** One line naming the host, for the head of every table. */
export function hostLine(host, loadAverage) {
  if (host === undefined) return 'Host: not recorded (a run from before hosts were probed).';
  const load =
    loadAverage === undefined
      ? ''
      : `, 1-minute load average ${loadAverage.before.toFixed(1)} before and ${loadAverage.after.toFixed(1)} after`;
  return (
    `Host: ${host.cpuModel}, ${host.cores} cores, Node ${host.node}${load}; ` +
    `waking a sleeping thread ${wake(host.threadWakeUs)}, a sleeping child process ${wake(host.processWakeUs)} ` +
    '(median round trip of a ping-pong after a 2 ms sleep: two wake-ups).'
  );
}

function wake(us) {
  return Number.isFinite(us) ? `${us.toFixed(0)} µs` : 'not measured';
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: os.cpus() still names the model.
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

// The worker sleeps in Atomics.wait on slot 0; the main thread sleeps, stores 1 and
// notifies, then sleeps in Atomics.wait until the worker stores 2 back. Both sides
// sleep between pings, so each round trip pays two wake-ups and no spinning.
const PONG_THREAD = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData);
for (;;) {
  Atomics.wait(flag, 0, 0);
  if (Atomics.load(flag, 0) === 3) break;
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
  Atomics.wait(flag, 0, 2);
}
`;

async function threadWakeUs(samples, sleepMs) {
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(PONG_THREAD, { eval: true, workerData: flag.buffer });
  await new Promise((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const times = [];
  for (let i = 0; i < samples + 5; i++) {
    Atomics.wait(nap, 0, 0, sleepMs);
    const start = performance.now();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    while (Atomics.load(flag, 0) !== 2) Atomics.wait(flag, 0, 1, 1_000);
    const us = (performance.now() - start) * 1000;
    Atomics.store(flag, 0, 0);
    Atomics.notify(flag, 0);
    if (i >= 5) times.push(us);
  }
  Atomics.store(flag, 0, 3);
  Atomics.notify(flag, 0);
  await worker.terminate();
  return median(times);
}

// The child echoes every byte of stdin back on stdout; between pings it sleeps in its
// event loop, as a pool's idle child does.
const PONG_CHILD = "process.stdin.on('data', (b) => process.stdout.write(b));";

async function processWakeUs(samples, sleepMs) {
  const child = spawn(process.execPath, ['-e', PONG_CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let onByte;
  child.stdout.on('data', () => onByte?.());
  const ping = () =>
    new Promise((resolve) => {
      onByte = resolve;
      child.stdin.write('x');
    });
  await ping(); // the child is up once it answers
  const times = [];
  for (let i = 0; i < samples + 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, sleepMs));
    const start = performance.now();
    await ping();
    const us = (performance.now() - start) * 1000;
    if (i >= 5) times.push(us);
  }
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return median(times);
}
