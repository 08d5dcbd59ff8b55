// Profiles concur alone on one hot scenario, for `node --cpu-prof`:
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile.mjs a thread
//   node bench/lib/profile-summary.mjs bench/results/profiles
// a = burst of tiny tasks, b = one at a time, c = map over 1,000,000 items.
import * as concur from './adapters/concur.mjs';
import { warmUp } from './lib/interleave.mjs';

const [scenario = 'a', runtime = 'thread', repeat = '5'] = process.argv.slice(2);
const pool = concur.create(2, runtime);
await warmUp(pool, 2);
const start = performance.now();
for (let r = 0; r < Number(repeat); r++) {
  if (scenario === 'a') {
    const promises = [];
    for (let i = 0; i < 20_000; i++) promises.push(pool.run('inc', i));
    await Promise.all(promises);
  } else if (scenario === 'b') {
    for (let i = 0; i < 3_000; i++) await pool.run('inc', i);
  } else {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i);
    for await (const _ of pool.map('inc', items));
  }
}
console.log(
  `${scenario} ${runtime}: ${((performance.now() - start) / Number(repeat)).toFixed(1)} ms per repeat`,
);
await pool.destroy();
