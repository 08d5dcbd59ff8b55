import {
  resolvePoolOptions,
  THREAD_POOL_KEYS,
  type ThreadPoolOptions,
} from '../pool/pool-options.ts';
import { ThreadRuntime } from '../runtime/thread-runtime.ts';
import { PoolExecutor } from './pool-executor.ts';

/**
 * Runs tasks in a pool of worker threads. On Node, unlike CPython, threads run
 * JavaScript in parallel (each has its own V8 isolate, no GIL): the right model for
 * CPU-bound work, with less start-up time and memory than processes.
 */
export class ThreadPoolExecutor extends PoolExecutor {
  /** Always `thread`. */
  readonly kind = 'thread' as const;

  constructor(options: ThreadPoolOptions = {}) {
    const resolved = resolvePoolOptions('ThreadPoolExecutor', options, THREAD_POOL_KEYS);
    super(new ThreadRuntime({ resourceLimits: options.resourceLimits }), resolved);
  }
}
