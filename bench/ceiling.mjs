// How much faster can two threads be than one on this machine, with no pool at all? Each
// bare worker thread runs the same integer loop, first alone, then both at once; the
// speedup is 2 x (time alone) / (time of the slower of the two). Target d (1.9x at two
// workers) cannot be met on a machine whose ceiling is below it.
//   node bench/ceiling.mjs [rounds]
import { Worker } from 'node:worker_threads';

const LOOP = `
const { parentPort } = require('node:worker_threads');
function spin(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + Math.imul(i, 0x9e3779b1)) | 0;
  return x;
}
// Optimise spin() as a whole function before any timed call (on-stack replacement of one
// long call sometimes left one thread 6x slower than the other).
for (let i = 0; i < 200; i++) spin(1e5);
parentPort.on('message', (n) => {
  const start = performance.now();
  const x = spin(n);
  parentPort.postMessage([performance.now() - start, x]);
});`;

const rounds = Number(process.argv[2] ?? 5);
const iterations = 4e8;
const workers = [new Worker(LOOP, { eval: true }), new Worker(LOOP, { eval: true })];
const run = (worker) =>
  new Promise((resolve) => {
    worker.once('message', ([ms]) => resolve(ms));
    worker.postMessage(iterations);
  });

// Compile and optimise the loop in both threads before timing.
await Promise.all(workers.map(run));
await Promise.all(workers.map(run));
const speedups = [];
for (let r = 0; r < rounds; r++) {
  const alone = await run(workers[0]);
  const both = await Promise.all(workers.map(run));
  const speedup = (2 * alone) / Math.max(...both);
  speedups.push(speedup);
  console.log(
    `round ${r + 1}: alone ${alone.toFixed(0)} ms, both at once ${both.map((ms) => ms.toFixed(0)).join(' and ')} ms: ${speedup.toFixed(2)}x`,
  );
}
speedups.sort((a, b) => a - b);
console.log(`median two-thread speedup: ${speedups[rounds >> 1].toFixed(2)}x`);
await Promise.all(workers.map((w) => w.terminate()));
