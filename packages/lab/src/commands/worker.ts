import { loadQueuePackage } from '../support/queue-package.ts';

/**
 * `concur worker`: a queue worker from the concur-queue package, loaded only when this
 * command runs, so other commands never load BullMQ or ioredis.
 */
export const name = 'worker';
export const summary = 'take jobs from a Redis queue (QueueExecutor) and run them on this machine';

export async function run(argv: string[]): Promise<number> {
  const { runWorkerCommand } = await loadQueuePackage('`concur worker`');
  const code = await runWorkerCommand(argv);
  // A stopped worker exits now, like the concur-worker bin: a Redis that never
  // answered may leave a socket that would keep the process alive.
  process.exit(code);
}

/** The command object for commands/index.ts. */
export const workerCommand = Object.freeze({ name, summary, run });
