/**
 * Errors that say Redis is out of reach for now, not that it refuses the command: a
 * cluster fails a command with these while the master of its slot is down or moving
 * (ioredis gives up after 16 redirections), where one server's client would queue it.
 * Anything else (WRONGPASS, NOPERM, CROSSSLOT, OOM, a bad argument) is Redis's answer.
 */
const UNAVAILABLE =
  /^(?:CLUSTERDOWN|TRYAGAIN|MOVED|ASK|LOADING|MASTERDOWN)\b|Too many Cluster redirections|Connection is closed|Failed to refresh slots cache|None of startup nodes is available|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE/;

/** Whether `error` means "Redis unavailable, try again later". */
export function isRedisUnavailable(error: Error): boolean {
  return UNAVAILABLE.test(error.message);
}

/** Delay before the `attempt`-th (from 0) retry of a command Redis was unavailable for: 100 ms doubling to 2 s. */
export function unavailableRetryMs(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 2000);
}
