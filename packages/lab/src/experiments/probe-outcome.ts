/** One call of the sample, run alone on the probe's main thread. */
export interface SampledCall {
  /** Position in --inputs. */
  index: number;
  wallMs: number;
  /** CPU time of the probe process during the call (its main thread, mostly). */
  cpuMs: number;
  argBytes: number;
  resultBytes: number;
  /** The message, when the call threw. */
  error: string | null;
}

/** What a pool of one worker cost around the task: start-up, and per call on the way. */
export interface PoolCost {
  /** Starting the pool, importing the task in the worker and shutting down, in ms. */
  startMs: number;
  /** Per call, for a batch of tiny calls submitted at once (hand-off and result). */
  perCallMs: number;
  /** Per byte of argument or result sent across. */
  perByteMs: number;
}

/** What the advice's sample measured. */
export interface ProbeOutcome {
  /** Calls in --inputs. */
  items: number;
  /** The first call, apart: it pays for JIT warm-up and lazy set-up. */
  firstCallMs: number;
  calls: SampledCall[];
  /** The sample again as one sequential map, for calls too short to time one by one. */
  batch: { calls: number; wallMs: number; cpuMs: number } | null;
  /** The first calls of the sample again, all submitted at once to an AsyncExecutor. */
  concurrent: { calls: number; wallMs: number } | null;
  /** AsyncExecutor's own cost per call (a batch of tiny calls). */
  asyncPerCallMs: number;
  pools: { thread?: PoolCost; process?: PoolCost };
  /** Why the same inputs gave different results (another pass, another model), if they did. */
  disagreement: string | null;
}
