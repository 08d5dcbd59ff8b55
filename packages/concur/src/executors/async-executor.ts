import type { CallSites } from '../options/call-sites.ts';
import { checkKnownKeys, checkLimit, checkObject } from '../options/validate.ts';
import { poolOptionHint } from '../pool/pool-options.ts';
import { InProcessExecutor } from './in-process-executor.ts';

/** Options of AsyncExecutor. */
export interface AsyncExecutorOptions {
  /**
   * Most tasks running at once: the semaphore that caps in-flight downloads
   * (the story's `--n_at_once`).
   * @default Infinity
   */
  concurrency?: number;
  /** Most tasks waiting to start; past it submit() rejects with QueueFullError. @default Infinity */
  maxQueue?: number;
  /** Append the submit() site to the stack of a task's error; see CallSites. @default 'auto' */
  callSites?: CallSites;
}

/**
 * Coroutines: runs async tasks concurrently on this thread's event loop. The right
 * model for I/O-bound work with a non-blocking client; no faster than sequential
 * for CPU-bound work or for a blocking client, since everything shares one thread.
 */
export class AsyncExecutor extends InProcessExecutor {
  /** Always `async`. */
  readonly kind = 'async' as const;

  constructor(options: AsyncExecutorOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('AsyncExecutor', options, ['concurrency', 'maxQueue', 'callSites'], (key) =>
      poolOptionHint(key, 'AsyncExecutor limits the tasks at once with `concurrency`'),
    );
    super(
      checkLimit('concurrency', options.concurrency ?? Number.POSITIVE_INFINITY, 1),
      checkLimit('maxQueue', options.maxQueue ?? Number.POSITIVE_INFINITY, 0),
      options.callSites,
    );
  }
}
