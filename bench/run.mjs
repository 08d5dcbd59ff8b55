// npm run bench: every scenario, concur against every peer and a raw-Node baseline,
// interleaved over rounds; prints medians and ratios, writes JSON under results/ and
// the table into docs/performance.md. Flags: --quick, --rounds N, --only a,b,c, --no-readme,
// --from results/latest.json (re-render a saved run).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { adapters } from './adapters/index.mjs';
import { stuckDestroys } from './adapters/poolifier.mjs';
import { flagValue, makeConfig } from './lib/config.mjs';
import { probeHost } from './lib/host.mjs';
import { writeIntoReadme } from './lib/readme.mjs';
import { machine, markdown } from './lib/report.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import * as a from './scenarios/a-burst.mjs';
import * as b from './scenarios/b-latency.mjs';
import * as c from './scenarios/c-map.mjs';
import * as d from './scenarios/d-cpu.mjs';
import * as e from './scenarios/e-startup.mjs';
import * as f from './scenarios/f-io.mjs';
import * as g from './scenarios/g-memory.mjs';
import * as h from './scenarios/h-transfer.mjs';
import * as i from './scenarios/i-object-map.mjs';

const argv = process.argv.slice(2);

// --from FILE: render a saved run's tables again (into docs/performance.md too) without measuring.
const from = flagValue(argv, '--from');
if (from !== undefined) {
  const saved = JSON.parse(readFileSync(from, 'utf8'));
  const table = markdown(saved);
  console.log(table);
  if (!argv.includes('--no-readme'))
    writeIntoReadme(new URL('../docs/performance.md', import.meta.url), table);
  process.exit(0);
}
// A child process reads the file NODE_EXTRA_CA_CERTS names as it starts (about 70 ms each on
// the machine this was written on). tinypool starts its children with an empty environment
// and so skips that; the others inherit ours. Drop it for everyone, so that a start-up time
// compares the libraries rather than their environments.
const droppedEnv = ['NODE_EXTRA_CA_CERTS'].filter((name) => process.env[name] !== undefined);
for (const name of droppedEnv) delete process.env[name];
const config = makeConfig(argv);
const only = flagValue(argv, '--only')?.split(',');
const scenarios = [a, b, c, d, e, f, g, h, i].filter(
  (s) => only === undefined || only.includes(s.id),
);
const log = (line) => console.log(line);

if (!adapters.some((adapter) => adapter.name === 'concur')) {
  log('concur has no ThreadPoolExecutor/ProcessPoolExecutor in dist/: measuring the peers only');
}

const began = performance.now();
// Other programs on the machine skew every figure; the load average says how much.
const loadBefore = loadavg()[0];
log('probing the host: the cost of waking a sleeping thread and a sleeping child process');
const host = await probeHost();
const date = new Date().toISOString();
const results = {};
const titles = {};
for (const scenario of scenarios) {
  titles[scenario.id] = scenario.title;
  results[scenario.id] = await scenario.run({ config, log });
}
const seconds = (performance.now() - began) / 1000;
const targets = evaluateTargets(results);
const loadAverage = { before: loadBefore, after: loadavg()[0] };
host.loadAverage = loadAverage;
const notes = { poolifierStuckDestroys: stuckDestroys.count, loadAverage, droppedEnv };
const report = { date, host, machine: machine(), config, seconds, targets, notes, titles, results };
const table = markdown(report);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const json = JSON.stringify(report, null, 2);
writeFileSync(new URL(`run-${date.replace(/[:.]/g, '-')}.json`, dir), json);
const complete = only === undefined && !config.quick;
if (complete) writeFileSync(new URL('latest.json', dir), json);

log(`\n${table}\n`);
if (complete && !argv.includes('--no-readme')) {
  writeIntoReadme(new URL('../docs/performance.md', import.meta.url), table);
  log('docs/performance.md: results table updated');
}
if (stuckDestroys.count > 0) {
  log(
    `poolifier's destroy() hung ${stuckDestroys.count} times; its workers were terminated by hand`,
  );
}
log(`bench finished in ${seconds.toFixed(0)} s`);
// A peer's worker left behind by a stuck destroy must not keep the run from ending.
process.exit(0);
