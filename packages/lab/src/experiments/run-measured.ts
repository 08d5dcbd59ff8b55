import { availableParallelism } from 'node:os';
import { type CoreSample, TreeSampler } from '../measure/sampler.ts';
import { forkLab, labModule } from '../support/child-node.ts';
import type { ChildMessage, ExperimentOutcome, ExperimentSpec } from './spec.ts';

export interface Measurement<O extends ExperimentOutcome = ExperimentOutcome> {
  outcome: O;
  /** Wall time of the run, executor start-up and shutdown included. */
  seconds: number;
  /** User + system CPU time of every thread and process of the run. */
  cpuSeconds: number;
  /** cpuSeconds / seconds: how many cores the run kept busy on average. */
  coresUsed: number;
  /** Cores of this machine. */
  cores: number;
  /** Highest resident memory of the run's whole process tree, sampled from /proc. */
  peakRssBytes: number;
  /** Busy fraction of each core of the machine during the run. */
  timeline: CoreSample[];
}

/** The run's error, as the child reported it. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

/**
 * Runs one experiment in a fresh child process (so runs do not inherit each other's
 * heap) while this process samples the child's tree: memory of every process and the
 * per-core load of the machine.
 */
export function runMeasured<O extends ExperimentOutcome>(
  spec: ExperimentSpec,
  onProgress?: (done: number, total: number) => void,
): Promise<Measurement<O>> {
  const entry = labModule(import.meta.url, './child-main.ts');
  const child = forkLab(entry, [], spec.kind === 'task' ? [spec.modulePath] : []);
  const sampler = new TreeSampler(child.pid ?? process.pid);
  let result: Extract<ChildMessage, { type: 'result' }> | undefined;
  let failure: string | undefined;
  child.on('message', (message: ChildMessage) => {
    // A sample now records the services the run started (a queue's redis-server and
    // worker) before anything can go wrong, so killLeftovers knows them.
    if (message.type === 'prepared') sampler.sample();
    else if (message.type === 'progress') onProgress?.(message.done, message.total);
    else if (message.type === 'result') {
      sampler.sample();
      result = message;
    } else failure = message.message;
  });
  child.send(spec);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      sampler.stop();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      const { peakRssBytes, timeline } = sampler.stop();
      sampler.killLeftovers();
      if (result === undefined) {
        reject(
          new RunFailedError(
            failure ??
              `the ${spec.kind} run exited with ${signal ?? `code ${code}`} before reporting`,
          ),
        );
        return;
      }
      resolve({
        outcome: result.outcome as O,
        seconds: result.seconds,
        cpuSeconds: result.cpuSeconds,
        coresUsed: result.seconds > 0 ? result.cpuSeconds / result.seconds : 0,
        cores: availableParallelism(),
        peakRssBytes: Math.max(peakRssBytes, result.maxRssBytes),
        timeline,
      });
    });
  });
}
