import type { CallSites } from '../options/call-sites.ts';
import { checkKnownKeys, checkLimit, checkObject } from '../options/validate.ts';
import { poolOptionHint } from '../pool/pool-options.ts';
import { InProcessExecutor } from './in-process-executor.ts';

/** Options of SequentialExecutor. */
export interface SequentialExecutorOptions {
  /** Most tasks waiting to start; past it submit() rejects with QueueFullError. @default Infinity */
  maxQueue?: number;
  /** Append the submit() site to the stack of a task's error; see CallSites. @default 'auto' */
  callSites?: CallSites;
}

/**
 * Runs one task at a time on this thread, in submission order: the program as it
 * was before it went parallel, behind the same interface, as the baseline to measure against.
 */
export class SequentialExecutor extends InProcessExecutor {
  /** Always `sequential`. */
  readonly kind = 'sequential' as const;

  constructor(options: SequentialExecutorOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('SequentialExecutor', options, ['maxQueue', 'callSites'], (key) =>
      poolOptionHint(key, 'SequentialExecutor runs one task at a time'),
    );
    super(
      1,
      checkLimit('maxQueue', options.maxQueue ?? Number.POSITIVE_INFINITY, 0),
      options.callSites,
    );
  }
}
