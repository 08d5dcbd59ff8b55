import { checkKnownKeys, checkObject, checkSignal, checkTimeoutMs } from '../options/validate.ts';

/** Options of every wait (acquire, get, put, wait) at every level. */
export interface SyncWaitOptions {
  /** Aborting rejects the wait with an AbortError and leaves the primitive as if it had never waited. */
  signal?: AbortSignal;
  /**
   * Rejects with a TimeoutError after this many milliseconds, leaving the primitive
   * as if it had never waited. `0` means "only if free right now". At most 2^31 - 1
   * (about 24.8 days), the longest timer Node has: a longer one would fire after 1 ms, so
   * it is refused with InvalidArgumentError; leave `timeoutMs` out to wait without one.
   * @default no timeout
   */
  timeoutMs?: number;
}

export interface ParsedWaitOptions {
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
}

const KNOWN = ['signal', 'timeoutMs'] as const;
const NONE: ParsedWaitOptions = Object.freeze({ signal: undefined, timeoutMs: undefined });

export function parseWaitOptions(options: SyncWaitOptions | undefined): ParsedWaitOptions {
  if (options === undefined) return NONE;
  checkObject('options', options);
  checkKnownKeys('a wait', options, KNOWN);
  const signal = options.signal === undefined ? undefined : checkSignal('signal', options.signal);
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : checkTimeoutMs('timeoutMs', options.timeoutMs);
  return { signal, timeoutMs };
}
