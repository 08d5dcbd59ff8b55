import { ConcurError } from 'concur';

type QueuePackage = typeof import('concur-queue');

/** The lab needs concur-queue and it is not installed. */
export class QueuePackageMissingError extends ConcurError {
  static override readonly code = 'CONCUR_ERR_QUEUE_PACKAGE_MISSING';
  constructor(what: string, cause: unknown) {
    super(
      `${what} needs the concur-queue package, which is not installed: run \`npm install concur-queue\` (it brings bullmq and ioredis) and try again`,
      { cause },
    );
  }
}

/**
 * Loads concur-queue, an optional peer of the lab: only `concur worker` and the queue
 * model need it, so the other commands never load BullMQ or ioredis.
 */
export async function loadQueuePackage(what: string): Promise<QueuePackage> {
  try {
    return await import('concur-queue');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes("'concur-queue'");
    if (missing) throw new QueuePackageMissingError(what, error);
    throw error;
  }
}
