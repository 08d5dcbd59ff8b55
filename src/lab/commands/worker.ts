/**
 * `concur worker`: a queue worker (see src/queue/). The queue code is loaded only
 * when this command runs, so other commands never load BullMQ or ioredis.
 */
export const name = 'worker';
export const summary = 'take jobs from a Redis queue (QueueExecutor) and run them on this machine';

export async function run(argv: string[]): Promise<number> {
  const { runWorkerCommand } = await import('../../queue/worker-cli.ts');
  return runWorkerCommand(argv);
}

/** The command object for src/lab/commands/index.ts. */
export const workerCommand = Object.freeze({ name, summary, run });
