import { pathToFileURL } from 'node:url';
import { isTask, type Task } from 'concur';
import type { Progress } from './cpu-run.ts';
import { createExecutor } from './models.ts';
import { type QueueModel, startQueueModel } from './queue-model.ts';
import type { PreparedRun, TaskOutcome, TaskSpec } from './spec.ts';
import { readTaskInputs } from './task-inputs.ts';

/**
 * Loads the user's task and inputs (and for `queue` starts Redis and a worker whose
 * --tasks is the task's module), then returns the timed part: a starmap under the model.
 */
export async function prepareTask(
  spec: TaskSpec,
  progress: Progress,
): Promise<PreparedRun<TaskOutcome>> {
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
  const queue: QueueModel | undefined =
    spec.model === 'queue' ? await startQueueModel(spec.workers, spec.modulePath) : undefined;
  return {
    async run() {
      const executor =
        queue?.executor ??
        createExecutor({
          runtime: spec.model as Exclude<TaskSpec['model'], 'queue'>,
          workers: spec.workers,
        });
      const results: unknown[] = [];
      try {
        for await (const value of executor.starmap(work, inputs, { chunksize: spec.chunksize })) {
          results.push(value);
          progress(results.length, inputs.length);
        }
      } finally {
        // A queue's Redis and worker stay up between jobs, as they would in production.
        if (queue === undefined) await executor.shutdown();
      }
      return { items: results.length, digest: JSON.stringify(results) ?? 'undefined' };
    },
    async close() {
      await queue?.close();
    },
  };
}
