// npm run bench:advice: for each task of tasks.mjs, `concur compare --task` (the advice)
// and the same with --sweep (every configuration in full), then a table: is the
// recommendation within 10% of the sweep's fastest, and did the advice take at most a
// third of the sweep's time? Flags: --only a,b  --budget S  --workers LIST  --rounds N.
// Not part of npm test.
//
// "Within 10%" is judged head to head: a sweep times each configuration once, and its
// fastest is the luckiest of a dozen noisy runs, several of which do the same work (a
// synchronous task runs the same with 1 or 16 calls at once per worker). So when the
// recommendation is not the sweep's fastest, both configurations run again, alternately,
// --rounds times (default 3) each, and their medians are compared. The single-run ratio
// from the sweep is printed beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCandidate } from '../../packages/lab/dist/advice/run-candidate.js';
import { INPUTS } from './tasks.mjs';

const CLI = fileURLToPath(new URL('../../packages/lab/dist/cli.js', import.meta.url));
const TASKS = fileURLToPath(new URL('./tasks.mjs', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const only = flag('--only')?.split(',');
const budget = flag('--budget');
// Passed to both the advice and the sweep, e.g. --workers 1,2 for a shorter sweep.
const workers = flag('--workers');
const common = workers === undefined ? [] : ['--workers', workers];
const rounds = Number(flag('--rounds') ?? 3);

function compare(name, inputs, dir, extra) {
  const start = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      CLI,
      'compare',
      '--task',
      `${TASKS}#${name}`,
      '--inputs',
      inputs,
      '--json',
      '--report',
      join(dir, `${name}${extra.join('')}.html`),
      ...extra,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${name} ${extra.join(' ')}: ${result.stderr}`);
  return { seconds, task: JSON.parse(result.stdout).workloads.task };
}

const key = (r) =>
  JSON.stringify([r.model, r.workers, r.concurrencyPerWorker, r.chunksize, r.limit ?? null]);

const candidateOf = (r) => ({
  model: r.model,
  workers: r.workers,
  concurrencyPerWorker: r.concurrencyPerWorker,
  chunksize: r.chunksize,
  limit: r.limit ?? null,
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median seconds of `a` and of `b`, run alternately `rounds` times each in fresh processes. */
async function headToHead(a, b, source) {
  const times = { a: [], b: [] };
  for (let i = 0; i < rounds; i++) {
    times.a.push((await runCandidate(candidateOf(a), source)).record.seconds);
    times.b.push((await runCandidate(candidateOf(b), source)).record.seconds);
  }
  return { a: median(times.a), b: median(times.b) };
}

const dir = mkdtempSync(join(tmpdir(), 'concur-advice-bench-'));
const rows = [];
console.log(
  `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), load ${loadavg()[0].toFixed(2)}, Node ${process.version}`,
);
try {
  for (const [name, make] of Object.entries(INPUTS)) {
    if (only !== undefined && !only.includes(name)) continue;
    const inputs = join(dir, `${name}.json`);
    writeFileSync(inputs, JSON.stringify(make()));
    const advice = compare(name, inputs, dir, [
      ...common,
      ...(budget === undefined ? [] : ['--budget', budget]),
    ]);
    const sweep = compare(name, inputs, dir, [...common, '--sweep']);
    const rec = advice.task.recommendation;
    const fastest = [...sweep.task.runs].sort((a, b) => a.seconds - b.seconds)[0];
    const same = sweep.task.runs.find((r) => key(r) === key(rec));
    const source = { modulePath: TASKS, exportName: name, inputsPath: inputs };
    const h2h = key(rec) === key(fastest) ? null : await headToHead(rec, fastest, source);
    const row = {
      task: name,
      recommendation: `${rec.model}${rec.workers === null ? '' : ` x${rec.workers}`}${rec.concurrencyPerWorker > 1 ? ` ${rec.concurrencyPerWorker}/worker` : ''}${rec.workers === null ? (rec.limit == null ? '' : ` limit ${rec.limit}`) : ` chunk ${rec.chunksize}`}`,
      recInSweep: same?.seconds ?? Number.NaN,
      recInAdvice: rec.measuredSeconds ?? Number.NaN,
      sweepFastest: fastest.seconds,
      sweepFastestLabel: fastest.label,
      adviceSeconds: advice.seconds,
      sweepSeconds: sweep.seconds,
    };
    row.headToHead = h2h === null ? 1 : h2h.a / h2h.b;
    row.within10 = row.headToHead <= 1.1;
    row.third = row.adviceSeconds <= row.sweepSeconds / 3;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (s) => (Number.isFinite(s) ? s.toFixed(2) : '-');
console.log(
  '\n| task | recommendation | its time in the sweep | sweep fastest | ratio in the sweep | head to head | within 10% | advice s | sweep s | advice/sweep | <= 1/3 |',
);
console.log('| --- | --- | ---: | --- | ---: | ---: | :-: | ---: | ---: | ---: | :-: |');
for (const r of rows) {
  console.log(
    `| ${r.task} | ${r.recommendation} | ${f(r.recInSweep)} | ${r.sweepFastestLabel} ${f(r.sweepFastest)} | ${f(r.recInSweep / r.sweepFastest)} | ${r.headToHead === 1 ? 'same' : f(r.headToHead)} | ${r.within10 ? 'yes' : 'NO'} | ${f(r.adviceSeconds)} | ${f(r.sweepSeconds)} | ${f(r.adviceSeconds / r.sweepSeconds)} | ${r.third ? 'yes' : 'NO'} |`,
  );
}
console.log(`\nload ${loadavg()[0].toFixed(2)} at the end`);
