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
  /** cpuSeconds / seconds: how many cores the run kept busy on average (at most `cores`). */
  coresUsed: number;
  /** Cores of this machine. */
  cores: number;
  /** Highest resident memory of the run's whole process tree, sampled from /proc. */
  peakRssBytes: number;
  /** Busy fraction of each core of the machine during the run. */
  timeline: CoreSample[];
}

/** The run's error, as the child reported it; `code` names bad user input (LabInputError). */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
  readonly code: string;
  constructor(message: string, code = 'CONCUR_LAB_RUN_FAILED') {
    super(message);
    this.code = code;
  }
}

/** The run passed its time limit and was stopped. */
export class RunTimeLimitError extends RunFailedError {
  override name = 'RunTimeLimitError';
  readonly seconds: number;
  constructor(seconds: number, what: string) {
    super(
      `${what} passed its time limit of ${seconds} s and was stopped: the task may hang; if it is only slow, raise --time-limit`,
      'CONCUR_LAB_TIME_LIMIT',
    );
    this.seconds = seconds;
  }
}

/**
 * Cores kept busy on average. CPU time is counted in 10 ms ticks per thread and per
 * process, so on a run of a few milliseconds with many threads the ratio can read above
 * the cores the machine has; no run can use more than that.
 */
export function coreShare(cpuSeconds: number, seconds: number, cores: number): number {
  if (!(seconds > 0)) return 0;
  return Math.min(cores, Math.max(0, cpuSeconds / seconds));
}

export interface RunOptions {
  onProgress?: (done: number, total: number) => void;
  /** Stop the run (its whole process tree) past this many seconds. */
  timeLimitSeconds?: number;
  /** How the time-limit message names the run, e.g. "the run of thread x2". */
  what?: string;
}

let defaultTimeLimit: number | undefined;

/** The time limit of every run that names none (the command's --time-limit). */
export function setRunTimeLimit(seconds: number): void {
  defaultTimeLimit = seconds;
}

function describeRun(spec: ExperimentSpec): string {
  if (spec.kind === 'probe') return 'the sample of your task';
  const workers = spec.model === 'thread' || spec.model === 'process' || spec.model === 'queue';
  return `the ${spec.kind} run of ${spec.model}${workers ? ` x${spec.workers}` : ''}`;
}

/** Grace a run has, once Ctrl-C reached its process group, to stop on its own. */
const INTERRUPT_GRACE_MS = 500;
const live = new Set<(graceMs: number) => Promise<void>>();

/**
 * Stops every run still going: each gets `graceMs` to exit on its own (it received the
 * same signal, and a queue run stops its redis-server then), then its whole tree is
 * SIGKILLed. A run busy with CPU on its main thread never sees a signal handler run,
 * and its pool's processes may be busy too: without this they would spin on after the
 * command has exited.
 */
export async function stopAllRuns(graceMs = INTERRUPT_GRACE_MS): Promise<void> {
  await Promise.all([...live].map((stop) => stop(graceMs)));
}

let guarded = false;

/**
 * Ctrl-C reaches every process of the group, but a measured run busy with CPU on its
 * main thread cannot run its signal handler: once a run has started, the command stops
 * the runs (and everything they started) before it exits. Installed only then, so that
 * `concur worker`, which shuts down gracefully on its own, keeps its handlers.
 */
function guardSignals(): void {
  if (guarded) return;
  guarded = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      void stopAllRuns().finally(() => process.exit(code));
    });
  }
}

/**
 * Runs one experiment in a fresh child process (so runs do not inherit each other's
 * heap) while this process samples the child's tree: memory of every process and the
 * per-core load of the machine.
 */
export function runMeasured<O extends ExperimentOutcome>(
  spec: ExperimentSpec,
  options: RunOptions | ((done: number, total: number) => void) = {},
): Promise<Measurement<O>> {
  const opts: RunOptions = typeof options === 'function' ? { onProgress: options } : options;
  const entry = labModule(import.meta.url, './child-main.ts');
  const child = forkLab(
    entry,
    [],
    spec.kind === 'task' || spec.kind === 'probe' ? [spec.modulePath] : [],
  );
  const sampler = new TreeSampler(child.pid ?? process.pid);
  let result: Extract<ChildMessage, { type: 'result' }> | undefined;
  let failure: RunFailedError | undefined;
  child.on('message', (message: ChildMessage) => {
    // A sample now records the services the run started (a queue's redis-server and
    // worker) before anything can go wrong, so killLeftovers knows them.
    if (message.type === 'prepared') sampler.sample();
    else if (message.type === 'progress') opts.onProgress?.(message.done, message.total);
    else if (message.type === 'result') {
      sampler.sample();
      result = message;
    } else failure ??= new RunFailedError(message.message, message.code);
  });
  child.send(spec);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => {
    sampler.sample();
    child.kill('SIGKILL');
  };
  const stop = async (graceMs: number): Promise<void> => {
    // A signal sent to this command alone has not reached the run: pass it on.
    child.kill('SIGTERM');
    const timer = setTimeout(kill, graceMs);
    await exited;
    clearTimeout(timer);
  };
  live.add(stop);
  guardSignals();
  const limit = opts.timeLimitSeconds ?? defaultTimeLimit;
  const limitTimer =
    limit === undefined
      ? undefined
      : setTimeout(() => {
          failure = new RunTimeLimitError(limit, opts.what ?? describeRun(spec));
          kill();
        }, limit * 1000);
  limitTimer?.unref();
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      sampler.stop();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      live.delete(stop);
      if (limitTimer !== undefined) clearTimeout(limitTimer);
      const { peakRssBytes, timeline } = sampler.stop();
      sampler.killLeftovers();
      if (result === undefined || failure instanceof RunTimeLimitError) {
        reject(
          failure ??
            new RunFailedError(
              `the ${spec.kind} run exited with ${signal ?? `code ${code}`} before reporting`,
            ),
        );
        return;
      }
      const cores = availableParallelism();
      resolve({
        outcome: result.outcome as O,
        seconds: result.seconds,
        cpuSeconds: result.cpuSeconds,
        coresUsed: coreShare(result.cpuSeconds, result.seconds, cores),
        cores,
        peakRssBytes: Math.max(peakRssBytes, result.maxRssBytes),
        timeline,
      });
    });
  });
}
