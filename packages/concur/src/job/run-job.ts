import type { AnyTask } from '../task/task.ts';
import type { TaskContext } from '../task/task-context.ts';
import { ChunkFailure, JobMode } from './job.ts';

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs a job's payload where it lands (this thread, or inside a worker): one call, or a
 * chunk of map items one after another, an async item awaited before the next starts.
 * Returns the value (an array for chunks), or a promise of it once anything was async.
 * A chunk that fails throws (or rejects with) a ChunkFailure carrying the values before it.
 */
export function runJob(
  task: AnyTask,
  mode: JobMode,
  payload: unknown[],
  context: TaskContext,
): unknown {
  if (mode === JobMode.Call) return task.fn.apply(context, payload);
  const fn = task.fn;
  const star = mode === JobMode.StarmapChunk;
  const values = new Array<unknown>(payload.length);
  for (let i = 0; i < payload.length; i++) {
    let value: unknown;
    try {
      value = star ? fn.apply(context, payload[i] as unknown[]) : fn.call(context, payload[i]);
    } catch (error) {
      values.length = i;
      throw new ChunkFailure(i, values, error);
    }
    if (isThenable(value)) {
      values.length = i;
      return finishChunk(task, star, payload, context, values, i, value);
    }
    values[i] = value;
  }
  return values;
}

async function finishChunk(
  task: AnyTask,
  star: boolean,
  items: unknown[],
  context: TaskContext,
  values: unknown[],
  from: number,
  first: PromiseLike<unknown>,
): Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    try {
      const value =
        i === from
          ? first
          : star
            ? task.fn.apply(context, items[i] as unknown[])
            : task.fn.call(context, items[i]);
      values.push(await value);
    } catch (error) {
      throw new ChunkFailure(i, values, error);
    }
  }
  return values;
}
