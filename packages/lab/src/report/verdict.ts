import type { RunRecord } from '../experiments/run-record.ts';
import { busyMachineNote, type MachineLoad } from '../measure/machine-load.ts';
import { formatSeconds, formatTaskCost, plural } from '../render/format.ts';

function best(runs: RunRecord[], models: readonly string[]): RunRecord | undefined {
  return runs.filter((r) => models.includes(r.model)).sort((a, b) => a.seconds - b.seconds)[0];
}

function x(r: RunRecord | undefined): string {
  return r?.speedup == null ? 'n/a' : `${r.speedup.toFixed(2)}x`;
}

function withWorkers(r: RunRecord | undefined): string {
  if (r === undefined) return 'not run';
  if (r.workers === null) return x(r);
  return `${x(r)} with ${plural(r.workers, 'worker')}`;
}

/** A short verdict on the CPU-bound runs, computed from what was measured. */
export function cpuVerdict(runs: RunRecord[], batches?: number, load?: MachineLoad): string {
  const cores = runs[0]?.cores ?? 1;
  const fastest = best(
    runs,
    runs.map((r) => r.model),
  );
  const proc = best(runs, ['process']);
  const thread = best(runs, ['thread']);
  const coroutines = best(runs, ['async', 'async-gather']);
  const parts = [
    `CPU-bound on ${cores} cores: processes reached ${withWorkers(proc)}, threads ${withWorkers(thread)}, coroutines ${x(coroutines)}.`,
  ];
  if (fastest !== undefined) {
    parts.push(
      `Fastest: ${fastest.label}, ${formatSeconds(fastest.seconds)} (${x(fastest)}), keeping ${fastest.coresUsed.toFixed(2)} of ${cores} cores busy.`,
    );
  }
  if (coroutines?.speedup != null && coroutines.speedup < 1.2) {
    parts.push('Coroutines share one thread, so they cannot speed up CPU-bound work.');
  }
  if (
    thread?.speedup != null &&
    proc?.speedup != null &&
    thread.speedup > 1.2 &&
    thread.speedup >= proc.speedup * 0.8
  ) {
    parts.push("Node's worker threads have no GIL: here they scaled like processes.");
  }
  const pools = runs.filter((r) => r.workers !== null && r.workers > cores);
  const atCores = runs.filter((r) => r.workers === cores);
  if (pools.length > 0 && atCores.length > 0) {
    const over = Math.min(...pools.map((r) => r.seconds));
    const at = Math.min(...atCores.map((r) => r.seconds));
    if (over >= at * 0.95)
      parts.push(
        `More workers than cores did not help (${formatSeconds(over)} against ${formatSeconds(at)}).`,
      );
  }
  const costs = taskCostSentence(runs, batches);
  if (costs !== undefined) parts.push(costs);
  const note = busyMachineNote(load);
  if (note !== undefined) parts.push(note);
  const counts = new Set(runs.map((r) => r.count));
  parts.push(
    counts.size === 1
      ? `Every model found the same ${[...counts][0]} numbers.`
      : 'Models disagreed on the count: a bug.',
  );
  return parts.join(' ');
}

/** The cheapest cost per task a model showed, in ms. */
function taskCost(runs: RunRecord[], model: string): number | undefined {
  const costs = runs.filter((r) => r.model === model && r.taskCostMs !== undefined);
  return costs.length === 0 ? undefined : Math.min(...costs.map((r) => r.taskCostMs!));
}

/**
 * What each model charges per task and, when the queue ran, what that means for task
 * sizes. `batches` (search tasks per run) turns sequential seconds into one task's length.
 */
function taskCostSentence(runs: RunRecord[], batches: number | undefined): string | undefined {
  const named = [
    ['threads', 'thread'],
    ['processes', 'process'],
    ['Redis (queue)', 'queue'],
  ] as const;
  const listed = named.flatMap(([name, model]) => {
    const ms = taskCost(runs, model);
    return ms === undefined ? [] : [`${name} ${formatTaskCost(ms)}`];
  });
  if (listed.length === 0) return undefined;
  const parts = [`Cost per task, for a batch of tiny tasks: ${listed.join(', ')}.`];
  const queue = best(runs, ['queue']);
  const queueCost = taskCost(runs, 'queue');
  if (queue !== undefined && queueCost !== undefined) {
    const thread = best(runs, ['thread']);
    const sequential = runs.find((r) => r.model === 'sequential');
    const taskLength =
      sequential === undefined || batches === undefined
        ? ''
        : `, and each search task ran about ${formatSeconds(sequential.seconds / batches)} on one core`;
    parts.push(
      `Through Redis the search reached ${withWorkers(queue)}` +
        `${thread === undefined ? '' : ` (threads ${withWorkers(thread)})`}: ` +
        `each task carried its copy of the array through Redis${taskLength}. ` +
        `A queue pays off for tasks far longer than its ${formatTaskCost(queueCost)} per task, ` +
        'with small arguments, and when workers on other machines add cores.',
    );
  }
  return parts.join(' ');
}

/** A short verdict on the I/O-bound runs. */
export function ioVerdict(runs: RunRecord[], load?: MachineLoad): string {
  const get = (model: string) => best(runs, [model]);
  const describe = (r: RunRecord | undefined): string =>
    r === undefined
      ? 'not run'
      : `${formatSeconds(r.seconds)}${r.idealSeconds == null ? '' : ` (ideal ${formatSeconds(r.idealSeconds)})`}`;
  const sequential = get('sequential');
  const blocking = get('async-blocking');
  const parts = [
    `I/O-bound: sequential took ${describe(sequential)}, async (non-blocking fetch) ${describe(get('async'))}, ` +
      `async-limited ${describe(get('async-limited'))}, threads ${describe(get('thread'))}, processes ${describe(get('process'))}, ` +
      `async with a blocking client ${describe(blocking)}.`,
  ];
  if (blocking !== undefined && sequential !== undefined) {
    parts.push(
      blocking.seconds >= sequential.seconds * 0.8
        ? 'A blocking client inside async functions gained nothing over sequential: each call froze the event loop.'
        : 'The blocking client was faster than sequential here, which the model does not predict: check the machine load.',
    );
  }
  const fastest = best(
    runs,
    runs.map((r) => r.model),
  );
  if (fastest !== undefined)
    parts.push(`Fastest: ${fastest.label} (${x(fastest)} over sequential).`);
  const errors = runs.reduce((n, r) => n + (r.errors ?? 0), 0);
  const complete = runs.every((r) => r.expectedBytes == null || r.bytes === r.expectedBytes);
  const note = busyMachineNote(load);
  if (note !== undefined) parts.push(note);
  parts.push(
    errors === 0 && complete ? 'Every byte arrived in every run.' : `${errors} downloads failed.`,
  );
  return parts.join(' ');
}

/** The recommendation for the user's own task. */
export function taskVerdict(runs: RunRecord[], taskName: string, load?: MachineLoad): string {
  const fastest = best(
    runs,
    runs.map((r) => r.model),
  );
  if (fastest === undefined) return 'No run finished.';
  const mismatch = runs.filter((r) => r.sameResults === false).map((r) => r.label);
  const chunk =
    fastest.chunksize === undefined || fastest.workers === null
      ? ''
      : `, chunksize ${fastest.chunksize}`;
  const parts = [
    `${taskName}: fastest was ${fastest.model}${fastest.workers === null ? '' : ` with ${plural(fastest.workers, 'worker')}`}${chunk}, ` +
      `${formatSeconds(fastest.seconds)}, ${x(fastest)} against sequential.`,
  ];
  if (fastest.model === 'sequential')
    parts.push('Going parallel did not pay for this task and these inputs.');
  const queue = best(runs, ['queue']);
  if (queue !== undefined) {
    const local = best(runs, ['thread', 'process']);
    parts.push(
      `Through Redis (queue) it reached ${withWorkers(queue)}` +
        `${local === undefined ? '' : `, against ${withWorkers(local)} for ${local.model === 'thread' ? 'threads' : 'processes'}`}: ` +
        'the difference is what the trip through Redis costs these calls; workers on other machines can make up for it only by adding cores.',
    );
  }
  if (mismatch.length > 0)
    parts.unshift(`Results differed from ${runs[0]?.label} under: ${mismatch.join(', ')}.`);
  const errors = taskErrorsSentence(runs);
  if (errors !== undefined) parts.push(errors);
  const note = busyMachineNote(load);
  if (note !== undefined) parts.push(note);
  return parts.join(' ');
}

/** What the runs say about calls that threw, if any did. */
export function taskErrorsSentence(runs: RunRecord[]): string | undefined {
  const failing = runs.find((r) => (r.errors ?? 0) > 0);
  if (failing === undefined) return undefined;
  return (
    `${failing.errors} of ${failing.count} calls threw (first: "${failing.firstError}"): ` +
    'the lab counts them and goes on, and their time is in the figures; your own map would stop at the first.'
  );
}

/** The first words of the task's section: results that differ, then the recommendation. */
export function adviceLead(disagreement: string | null, why: string | undefined): string {
  const parts: string[] = [];
  if (disagreement !== null) {
    parts.push(
      `Results differ: ${disagreement}. The task keeps state between calls or is not deterministic; fix that before trusting any speed-up.`,
    );
  }
  parts.push(
    why === undefined
      ? 'No recommendation: no candidate could be run or predicted.'
      : `Recommendation: ${why}.`,
  );
  return parts.join(' ');
}

/** The verdict under the advice's table. */
export function adviceVerdict(
  lead: string,
  runs: RunRecord[],
  skipped: number,
  adviceSeconds: number,
  load?: MachineLoad,
): string {
  const parts = [lead];
  parts.push(
    `${runs.length} candidate${runs.length === 1 ? '' : 's'} run in full after a sample, ${skipped} skipped on their prediction; the advice took ${formatSeconds(adviceSeconds)}.`,
  );
  const errors = taskErrorsSentence(runs);
  if (errors !== undefined) parts.push(errors);
  const note = busyMachineNote(load);
  if (note !== undefined) parts.push(note);
  return parts.join(' ');
}
