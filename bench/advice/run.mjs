// npm run bench:advice: for each task of tasks.mjs, `concur compare --task` (the advice)
// and the same with --sweep (every configuration in full), then a table: is the
// recommendation within 10% of the sweep's fastest, and did the advice take at most a
// third of the sweep's time? Flags: --only a,b  --budget S  --workers LIST. Not part of
// npm test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    row.within10 = row.recInSweep <= row.sweepFastest * 1.1;
    row.third = row.adviceSeconds <= row.sweepSeconds / 3;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (s) => (Number.isFinite(s) ? s.toFixed(2) : '-');
console.log(
  '\n| task | recommendation | its time in the sweep | sweep fastest | ratio | within 10% | advice s | sweep s | advice/sweep | <= 1/3 |',
);
console.log('| --- | --- | ---: | --- | ---: | :-: | ---: | ---: | ---: | :-: |');
for (const r of rows) {
  console.log(
    `| ${r.task} | ${r.recommendation} | ${f(r.recInSweep)} | ${r.sweepFastestLabel} ${f(r.sweepFastest)} | ${f(r.recInSweep / r.sweepFastest)} | ${r.within10 ? 'yes' : 'NO'} | ${f(r.adviceSeconds)} | ${f(r.sweepSeconds)} | ${f(r.adviceSeconds / r.sweepSeconds)} | ${r.third ? 'yes' : 'NO'} |`,
  );
}
console.log(`\nload ${loadavg()[0].toFixed(2)} at the end`);
