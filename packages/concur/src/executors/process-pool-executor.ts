import { invalid } from '../options/validate.ts';
import {
  PROCESS_POOL_KEYS,
  type ProcessPoolOptions,
  resolvePoolOptions,
} from '../pool/pool-options.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { PoolExecutor } from './pool-executor.ts';

/**
 * Runs tasks in a pool of child processes (Node's 'advanced' serialization, so
 * Map, Set, BigInt and typed arrays cross intact). More start-up time and memory
 * than threads, but full isolation: a native crash or a leak stays in its process.
 */
export class ProcessPoolExecutor extends PoolExecutor {
  /** Always `process`. */
  readonly kind = 'process' as const;

  constructor(options: ProcessPoolOptions = {}) {
    const resolved = resolvePoolOptions('ProcessPoolExecutor', options, PROCESS_POOL_KEYS);
    if (
      options.execArgv !== undefined &&
      !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === 'string'))
    ) {
      throw invalid('execArgv', 'an array of strings', options.execArgv);
    }
    if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
      throw invalid('env', 'an object of environment variables', options.env);
    }
    super(new ProcessRuntime({ execArgv: options.execArgv, env: options.env }), resolved);
  }
}
