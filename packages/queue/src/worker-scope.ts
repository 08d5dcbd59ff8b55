/**
 * inWorker() (src/task/in-worker.ts) reads this global. A queue worker sets it so
 * that a module that is both a program and a task module, guarded by
 * `if (!inWorker())`, does not run its program inside the worker.
 */
const holder = globalThis as { __concurWorker?: string };

/** The whole process is a queue worker (the `concur worker` and `concur-worker` bins). */
export function markProcessAsWorker(): void {
  holder.__concurWorker ??= 'queue';
}

/**
 * Runs `load` (an import of task modules) with inWorker() true, for a worker started
 * inside another program by runQueueWorker(): that program stays a program afterwards.
 */
export async function asWorker<T>(load: () => Promise<T>): Promise<T> {
  if (holder.__concurWorker !== undefined) return load();
  holder.__concurWorker = 'queue';
  try {
    return await load();
  } finally {
    delete holder.__concurWorker;
  }
}
