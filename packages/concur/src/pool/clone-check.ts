import { PLAIN_DATA } from '../errors/errors.ts';
import { thrownText } from '../errors/thrown-value.ts';
import { type Job, JobMode } from '../job/job.ts';
import { describeValue, trimPeriod } from '../options/validate.ts';
import { loadBuiltin } from '../runtime/load-builtin.ts';
import type { RuntimeName } from '../runtime/wire.ts';

// Only a failed send needs node:v8; loading it on import cost every worker start ~2 ms.
const loadV8 = () => loadBuiltin<typeof import('node:v8')>('node:v8');

/**
 * What the runtime's serializer throws on `value` (in a box: a getter may throw null or
 * undefined), or undefined if it sends it.
 */
export function fails(value: unknown, runtime: RuntimeName): { thrown: unknown } | undefined {
  // Outside the try: a failure to load the serializer is not the value's fault.
  const v8 = runtime === 'thread' ? undefined : loadV8();
  try {
    // Threads use structured clone; processes use the v8 serializer ('advanced' IPC).
    if (v8 === undefined) structuredClone(value);
    else v8.serialize(value);
    return undefined;
  } catch (thrown) {
    return { thrown };
  }
}

/** Names the argument (or map item) of a job that cannot be sent to a worker, and why. */
export function describeCloneFailure(job: Job, runtime: RuntimeName, error: unknown): string {
  const name = job.task.taskName;
  const hint =
    `Send plain data (${PLAIN_DATA}); ` +
    'functions, class instances with methods, sockets and symbols cannot cross to a worker.';
  const items = job.payload;
  for (let i = 0; i < items.length; i++) {
    const problem = fails(items[i], runtime);
    if (problem === undefined) continue;
    const what =
      job.mode === JobMode.Call
        ? `Argument ${i} of task \`${name}\``
        : `Item ${job.first + i} of the input of this map of task \`${name}\``;
    return `${what}, ${describeValue(items[i])}, cannot be sent to a ${runtime} worker: ${why(problem.thrown)}. ${hint}`;
  }
  return `The arguments of task \`${name}\` cannot be sent to a ${runtime} worker: ${why(error)}. ${hint}`;
}

/** The serializer's refusal as it says it; anything else was thrown by a getter or a Proxy trap. */
function why(problem: unknown): string {
  const text = trimPeriod(thrownText(problem));
  const refused =
    problem instanceof Error &&
    (problem.name === 'DataCloneError' || /could not be cloned/.test(text));
  return refused ? text : `reading it threw: ${text}`;
}
