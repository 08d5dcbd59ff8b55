// A measured run: the parent forks this module, sends one ExperimentSpec, and samples
// this process tree from outside while it runs.
import { treeCpuSeconds } from '../measure/proc.ts';
import { LabInputError } from '../support/lab-input-error.ts';
import { prepareCpu } from './cpu-run.ts';
import { prepareIo } from './io-run.ts';
import { prepareProbe } from './probe-run.ts';
import type { ChildMessage, ExperimentSpec, PreparedRun } from './spec.ts';
import { prepareTask } from './task-run.ts';

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function prepare(spec: ExperimentSpec): Promise<PreparedRun> {
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
      return (await prepareCpu(spec, progress)) as PreparedRun;
    case 'io':
      return { run: prepareIo(spec, progress) };
    case 'task':
      return (await prepareTask(spec, progress)) as PreparedRun;
    case 'probe':
      return (await prepareProbe(spec)) as PreparedRun;
  }
}

let finished = false;
// The parent went away (killed, or Ctrl-C): stop, taking the pool's workers with us.
// process.exit runs the 'exit' hooks that kill a queue run's redis-server and worker.
process.once('disconnect', () => {
  if (!finished) process.exit(1);
});
// Ctrl-C reaches the whole process group; without a handler Node would die of the signal
// and skip those hooks.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

process.once('message', async (spec: ExperimentSpec) => {
  let prepared: PreparedRun | undefined;
  let message: ChildMessage;
  try {
    prepared = await prepare(spec);
    send({ type: 'prepared' });
    // The window covers a pool's whole life, workers' start-up and shutdown included (the
    // pools have reaped their processes by then, so their CPU time is in cutime), and a
    // queue's running redis-server and worker, which are read live from /proc.
    const cpuBefore = treeCpuSeconds();
    const start = performance.now();
    let outcome = await prepared.run();
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = treeCpuSeconds() - cpuBefore;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    if (prepared.probe !== undefined) outcome = await prepared.probe(outcome);
    message = { type: 'result', outcome, seconds, cpuSeconds, maxRssBytes };
  } catch (error) {
    message = {
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof LabInputError ? { code: error.code } : {}),
    };
  }
  try {
    await prepared?.close?.();
  } catch (error) {
    message = {
      type: 'error',
      message: `could not stop the run's services: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  finished = true;
  // Disconnect only once the message is written: a large result (100,000 items) is still
  // in the pipe when send() returns, and disconnecting then would drop it.
  process.send?.(message, () => process.disconnect());
});
