import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Executor } from 'concur';
import { labModule } from '../support/child-node.ts';
import { loadQueuePackage } from '../support/queue-package.ts';

/** What to do when the queue model cannot run; said once, the same everywhere. */
export const REDIS_HINT =
  'install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)';

/** The redis-server the queue model would start, or undefined when PATH has none. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** The line under a default comparison, which leaves queue out, when queue could not run anyway. */
export function queueSkippedLine(): string {
  return (
    'The queue model (through Redis) was not run: it needs redis-server, which is not on PATH; ' +
    `${REDIS_HINT}, then add queue to --models.`
  );
}

// The worker imports these modules at start and runs only the tasks they export.
const WORKLOADS = ['../workloads/search-task.ts', '../workloads/tiny-task.ts'].map((path) =>
  labModule(import.meta.url, path),
);

export interface QueueModel {
  executor: Executor;
  close(): Promise<void>;
}

/**
 * The `queue` model: a private redis-server and one `concur worker` process with
 * `workers` threads, the layout of one remote machine. The worker runs the tasks of
 * `tasks` (one module or several): the lab's own workloads, or the user's task module.
 * The queue module (and bullmq with it) is loaded only here, so the other models
 * never pay for it.
 */
export async function startQueueModel(
  workers: number,
  tasks: string | readonly string[] = WORKLOADS,
): Promise<QueueModel> {
  const { startLocalQueueCluster } = await loadQueuePackage('The queue model');
  const cluster = await startLocalQueueCluster({
    tasks,
    workerProcesses: 1,
    model: 'thread',
    workers,
    concurrency: 1,
    // v8: typed arrays (and numbers) travel as structured clone, as they do to a thread.
    codec: 'v8',
    executor: { capacity: workers },
  });
  return { executor: cluster.executor, close: () => cluster.close() };
}
