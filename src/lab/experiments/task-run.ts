import { pathToFileURL } from 'node:url';
import { isTask, type Task } from '../../index.ts';
import type { Progress } from './cpu-run.ts';
import { createExecutor } from './models.ts';
import type { TaskOutcome, TaskSpec } from './spec.ts';
import { readTaskInputs } from './task-inputs.ts';

/** Loads the user's task and inputs, then returns the timed part: a starmap under the model. */
export async function prepareTask(
  spec: TaskSpec,
  progress: Progress,
): Promise<() => Promise<TaskOutcome>> {
  const module = (await import(pathToFileURL(spec.modulePath).href)) as Record<string, unknown>;
  const fn = module[spec.exportName];
  if (!isTask(fn)) {
    const found = Object.keys(module).filter((k) => isTask(module[k]));
    throw new Error(
      `${spec.modulePath}#${spec.exportName} is not a task() export` +
        (found.length > 0 ? `; its tasks are: ${found.join(', ')}` : '; it exports no task()'),
    );
  }
  const work = fn as Task<unknown[], unknown>;
  const inputs = readTaskInputs(spec.inputsPath);
  return async () => {
    const executor = createExecutor({ runtime: spec.model, workers: spec.workers });
    const results: unknown[] = [];
    try {
      for await (const value of executor.starmap(work, inputs, { chunksize: spec.chunksize })) {
        results.push(value);
        progress(results.length, inputs.length);
      }
    } finally {
      await executor.shutdown();
    }
    return { items: results.length, digest: JSON.stringify(results) ?? 'undefined' };
  };
}
