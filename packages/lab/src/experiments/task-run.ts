import { createHash } from 'node:crypto';
import type { Task } from 'concur';
import { isCallError, loadUserTask, settledCall } from '../workloads/settled-call.ts';
import type { Progress } from './cpu-run.ts';
import { createExecutor } from './models.ts';
import { type QueueModel, startQueueModel } from './queue-model.ts';
import type { PreparedRun, TaskOutcome, TaskSpec } from './spec.ts';
import { readTaskInputs } from './task-inputs.ts';

/** Results folded into what the parent compares between runs: a hash, not 100,000 values. */
export function summarize(results: readonly unknown[]): TaskOutcome {
  const hash = createHash('sha256');
  let errors = 0;
  let firstError: string | null = null;
  for (const value of results) {
    if (isCallError(value)) {
      errors++;
      firstError ??= value.concurLabError;
    }
    hash.update(JSON.stringify(value) ?? 'undefined');
    hash.update('\n');
  }
  return { items: results.length, digest: hash.digest('hex'), errors, firstError };
}

/**
 * Loads the user's task and inputs (and for `queue` starts Redis and a worker whose
 * --tasks is the task's module), then returns the timed part: a starmap under the model.
 * Every model but queue runs the task through settledCall, so a call that throws is
 * counted instead of ending the run; the queue's worker may run only the user's module.
 */
export async function prepareTask(
  spec: TaskSpec,
  progress: Progress,
): Promise<PreparedRun<TaskOutcome>> {
  const work = await loadUserTask(spec.modulePath, spec.exportName);
  const inputs = readTaskInputs(spec.inputsPath);
  const queue: QueueModel | undefined =
    spec.model === 'queue' ? await startQueueModel(spec.workers, spec.modulePath) : undefined;
  const calls: unknown[][] =
    queue === undefined
      ? inputs.map((args) => [spec.modulePath, spec.exportName, ...args])
      : inputs;
  const fn = (queue === undefined ? settledCall : work) as Task<unknown[], unknown>;
  return {
    async run() {
      const executor =
        queue?.executor ??
        createExecutor({
          runtime: spec.model as Exclude<TaskSpec['model'], 'queue'>,
          workers: spec.workers,
          concurrencyPerWorker: spec.concurrencyPerWorker,
          ...(spec.limit === null ? {} : { concurrency: spec.limit }),
        });
      const results: unknown[] = [];
      try {
        for await (const value of executor.starmap(fn, calls, { chunksize: spec.chunksize })) {
          results.push(value);
          progress(results.length, inputs.length);
        }
      } finally {
        // A queue's Redis and worker stay up between jobs, as they would in production.
        if (queue === undefined) await executor.shutdown();
      }
      return summarize(results);
    },
    async close() {
      await queue?.close();
    },
  };
}
