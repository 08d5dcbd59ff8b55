import { checkKnownKeys, checkObject, checkSignal, invalid } from '../options/validate.ts';

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
/** Node's timer limit: setTimeout turns anything longer into 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function checkTimeout(value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    throw invalid(
      'timeoutMs',
      `a number from 0 to ${MAX_TIMEOUT_MS} (about 24.8 days; leave it out to wait without a timeout)`,
      value,
    );
  }
  return value;
}
const NONE: ParsedWaitOptions = Object.freeze({ signal: undefined, timeoutMs: undefined });

export function parseWaitOptions(options: SyncWaitOptions | undefined): ParsedWaitOptions {
  if (options === undefined) return NONE;
  checkObject('options', options);
  checkKnownKeys('a wait', options, KNOWN);
  const signal = options.signal === undefined ? undefined : checkSignal('signal', options.signal);
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkTimeout(options.timeoutMs);
  return { signal, timeoutMs };
}
