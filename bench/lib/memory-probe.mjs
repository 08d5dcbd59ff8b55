// Runs alone in a fresh process (scenario g): reports how much RSS and PSS a pool of
// idle workers adds to this process plus its child processes.
import { readdirSync, readFileSync } from 'node:fs';
import { adapters } from '../adapters/index.mjs';
import { sleep, warmUp } from './interleave.mjs';

const [name, runtime, count] = process.argv.slice(2);
const workers = Number(count);

function kib(file, field) {
  try {
    const match = readFileSync(file, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // The process exited between listing and reading.
  }
}

function children() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

function footprint() {
  let rss = 0;
  let pss = 0;
  for (const pid of [process.pid, ...children()]) {
    rss += kib(`/proc/${pid}/status`, 'VmRSS');
    pss += kib(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rss, pss };
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(100);
  }
}

const adapter = adapters.find((a) => a.name === name);
await settle();
const before = footprint();
const pool = adapter.create(workers, runtime);
await warmUp(pool, workers);
await settle();
const after = footprint();
await pool.destroy();
process.stdout.write(
  JSON.stringify({
    rssMiB: (after.rss - before.rss) / 1024 / workers,
    pssMiB: (after.pss - before.pss) / 1024 / workers,
  }),
);
