// Profiles one pool (concur unless named) alone on one hot scenario, for `node --cpu-prof`:
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile.mjs a thread
//   node bench/lib/profile-summary.mjs bench/results/profiles
// a = burst of tiny tasks, b = one at a time, c = map over 1,000,000 items,
// i = map over 10,000 records of about 1 KB.
import { adapters } from './adapters/index.mjs';
import { warmUp } from './lib/interleave.mjs';
import { makeRecords } from './lib/records.mjs';

const [scenario = 'a', runtime = 'thread', repeat = '5', name = 'concur'] = process.argv.slice(2);
const pool = adapters.find((a) => a.name === name).create(2, runtime);
await warmUp(pool, 2);
const start = performance.now();
const cpu = process.cpuUsage();
for (let r = 0; r < Number(repeat); r++) {
  if (scenario === 'a') {
    const promises = [];
    for (let i = 0; i < 20_000; i++) promises.push(pool.run('inc', i));
    await Promise.all(promises);
  } else if (scenario === 'b') {
    for (let i = 0; i < 3_000; i++) await pool.run('inc', i);
  } else if (scenario === 'i') {
    for await (const _ of pool.map('score', makeRecords(10_000)));
  } else {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i);
    for await (const _ of pool.map('inc', items));
  }
}
const used = process.cpuUsage(cpu);
const perRepeat = (x) => (x / Number(repeat)).toFixed(1);
// CPU time of this process (workers included for threads) is steadier than wall time on a busy machine.
console.log(
  `${scenario} ${runtime}: ${perRepeat(performance.now() - start)} ms wall, ${perRepeat((used.user + used.system) / 1000)} ms CPU per repeat`,
);
await pool.destroy();
