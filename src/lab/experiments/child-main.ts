// A measured run: the parent forks this module, sends one ExperimentSpec, and samples
// this process tree from outside while it runs.
import { selfTreeCpuSeconds } from '../measure/proc.ts';
import { prepareCpu } from './cpu-run.ts';
import { prepareIo } from './io-run.ts';
import type { ChildMessage, ExperimentOutcome, ExperimentSpec } from './spec.ts';
import { prepareTask } from './task-run.ts';

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function prepare(spec: ExperimentSpec): Promise<() => Promise<ExperimentOutcome>> {
  let last = 0;
  const progress = (done: number, total: number): void => {
    const now = performance.now();
    if (now - last > 50 || done === total) {
      last = now;
      send({ type: 'progress', done, total });
    }
  };
  switch (spec.kind) {
    case 'cpu':
      return prepareCpu(spec, progress);
    case 'io':
      return prepareIo(spec, progress);
    case 'task':
      return prepareTask(spec, progress);
  }
}

let finished = false;
// The parent went away (killed, or Ctrl-C): stop, taking the pool's workers with us.
process.once('disconnect', () => {
  if (!finished) process.exit(1);
});

process.once('message', async (spec: ExperimentSpec) => {
  try {
    const run = await prepare(spec);
    // The window covers the executor's whole life, workers' start-up and shutdown included:
    // the pools have reaped their processes by then, so their CPU time is in cutime.
    const cpuBefore = selfTreeCpuSeconds();
    const start = performance.now();
    const outcome = await run();
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = selfTreeCpuSeconds() - cpuBefore;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    send({ type: 'result', outcome, seconds, cpuSeconds, maxRssBytes });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    finished = true;
    process.disconnect();
  }
});
