// Measures the memory of 8 tasks searching one 10,000,000-element array, each task in
// its own worker, with and without sharedArray, under threads and under processes.
// Every mode runs in a fresh Node process so the peaks do not mix.
//
//   node --import tsx examples/shared-memory.ts            # all four modes, as a table
//   node --import tsx examples/shared-memory.ts threads-shared
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProcessPoolExecutor, sharedArray, ThreadPoolExecutor } from 'concur';
import { search, warmUp } from './shared-memory-tasks.ts';

const SIZE = 10_000_000;
const TASKS = 8;
const MODES = ['threads-copy', 'threads-shared', 'processes-copy', 'processes-shared'] as const;
type Mode = (typeof MODES)[number];
const MB = 1024 * 1024;

interface Measure {
  mode: Mode;
  baselineMb: number;
  peakMb: number;
  seconds: number;
  workers: number;
}

async function measure(mode: Mode): Promise<Measure> {
  const list = Array.from({ length: SIZE }, () => Math.floor(Math.random() * SIZE));
  const haystack = mode.endsWith('shared') ? sharedArray(list) : list;
  const needles = Array.from({ length: TASKS }, (_, i) => [list[i * 1000] as number, -1]);
  const options = { minWorkers: TASKS, maxWorkers: TASKS };
  await using pool = mode.startsWith('threads')
    ? new ThreadPoolExecutor(options)
    : new ProcessPoolExecutor(options);
  const childBaseline = new Map<number, number>();
  const warm = await Promise.all(Array.from({ length: TASKS * 2 }, () => pool.submit(warmUp)));
  const childrenAtRest = mode.startsWith('processes') ? Math.max(...warm) * TASKS * 1024 : 0;
  global.gc?.();
  const parentBefore = process.memoryUsage.rss();
  let parentPeak = parentBefore;
  const sampler = setInterval(() => {
    parentPeak = Math.max(parentPeak, process.memoryUsage.rss());
  }, 5);
  const t0 = performance.now();
  const results = await Promise.all(needles.map((n) => pool.submit(search, n, haystack)));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  parentPeak = Math.max(parentPeak, process.memoryUsage.rss());
  for (const r of results)
    childBaseline.set(r.worker, Math.max(childBaseline.get(r.worker) ?? 0, r.maxRssKb));
  // Threads share the parent's RSS; each child process has its own, reported by the task.
  const children = mode.startsWith('processes')
    ? [...childBaseline.values()].reduce((a, b) => a + b, 0) * 1024
    : 0;
  return {
    mode,
    baselineMb: Math.round((parentBefore + childrenAtRest) / MB),
    peakMb: Math.round((parentPeak + children) / MB),
    seconds: Math.round(seconds * 100) / 100,
    workers: childBaseline.size,
  };
}

const mode = process.argv[2] as Mode | undefined;
if (mode !== undefined) {
  if (!MODES.includes(mode))
    throw new Error(`Unknown mode ${mode}; expected one of ${MODES.join(', ')}`);
  console.log(JSON.stringify(await measure(mode)));
} else {
  console.log(
    `${TASKS} tasks, each in its own worker, searching one ${SIZE.toLocaleString('en')}-element array (Node ${process.version})`,
  );
  console.log('mode              RSS before (MB)  peak RSS (MB)  added (MB)  seconds  workers');
  for (const m of MODES) {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), m],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`${m} failed:\n${run.stderr}`);
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as Measure;
    console.log(
      `${r.mode.padEnd(18)}${String(r.baselineMb).padStart(15)}${String(r.peakMb).padStart(15)}` +
        `${String(r.peakMb - r.baselineMb).padStart(12)}${String(r.seconds).padStart(9)}${String(r.workers).padStart(9)}`,
    );
  }
}
