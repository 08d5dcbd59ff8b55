import { parseNameOption } from '../name-option.ts';
import { travelsWith } from '../travels-with.ts';
import {
  ProcessPrimitive,
  type ProcessPrimitiveOptions,
  processCodec,
} from './process-primitive.ts';

/**
 * A lock shared by the parent and the tasks of its ProcessPoolExecutor (and
 * ThreadPoolExecutor) workers: the parent holds the state and serves every
 * process's requests first in, first out, over the IPC channel.
 *
 * Create it in the parent and pass it as a task argument; the task gets a proxy
 * with the same API (`acquire({ signal, timeoutMs })`, `release()`, `runExclusive`,
 * `await using`). A process that exits holding it abandons it: the parent frees it
 * and the next acquirer gets one AbandonedMutexError (without the lock).
 * Each acquire and release is a round trip to the parent (tens of microseconds):
 * lock around whole operations, not single increments.
 */
export class ProcessLock extends ProcessPrimitive {
  /** `new ProcessLock({ name: 'ledger' })` names it in errors. */
  constructor(options?: ProcessPrimitiveOptions) {
    super('ProcessLock', 1, true, parseNameOption('a ProcessLock', options));
  }
}

const codec = processCodec('concur.process-lock', import.meta.url, () => new ProcessLock());
travelsWith(ProcessLock, codec);
