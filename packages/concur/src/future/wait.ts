import { checkOneOf, checkTimeoutMs } from '../options/validate.ts';
import { type Future, onSettled } from './future.ts';

/** When `wait()` returns: at the first settled future, the first rejected one, or when all have settled. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/** Options of `wait()`. */
export interface WaitOptions {
  /** @default 'ALL_COMPLETED' */
  returnWhen?: ReturnWhen;
  /** Return what has settled by then; never throws on timeout. */
  timeoutMs?: number;
}

/** What `wait()` resolves to. */
export interface WaitResult<R> {
  /** Futures settled when it returned. */
  done: Set<Future<R>>;
  /** Futures still pending or running. */
  notDone: Set<Future<R>>;
}

/**
 * Waits until the condition in `returnWhen` holds or `timeoutMs` elapses, and
 * splits the futures into those settled and those not (Python's `wait`).
 * A cancelled future counts as done; FIRST_EXCEPTION returns at the first
 * rejected one (cancellation is not an exception here, as in Python).
 */
export function wait<R>(
  futures: Iterable<Future<R>>,
  options: WaitOptions = {},
): Promise<WaitResult<R>> {
  const returnWhen = checkOneOf('returnWhen', options.returnWhen ?? 'ALL_COMPLETED', [
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'ALL_COMPLETED',
  ]);
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : checkTimeoutMs('timeoutMs', options.timeoutMs);
  const all = new Set(futures);
  const done = new Set<Future<R>>();
  const snapshot = (): WaitResult<R> => {
    const notDone = new Set<Future<R>>();
    for (const f of all) if (!done.has(f)) notDone.add(f);
    return { done: new Set(done), notDone };
  };
  const satisfied = (latest: Future<R> | undefined): boolean => {
    if (done.size === all.size) return true;
    if (returnWhen === 'FIRST_COMPLETED') return done.size > 0;
    if (returnWhen === 'FIRST_EXCEPTION') {
      if (latest !== undefined) return latest.state === 'rejected';
      for (const f of done) if (f.state === 'rejected') return true;
    }
    return false;
  };
  for (const f of all) if (f.done) done.add(f);
  if (satisfied(undefined)) return Promise.resolve(snapshot());
  return new Promise((resolve) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve(snapshot());
    };
    if (timeoutMs !== undefined) timer = setTimeout(finish, timeoutMs);
    for (const f of all) {
      if (done.has(f)) continue;
      onSettled(f, (settled) => {
        if (finished) return;
        done.add(settled);
        if (satisfied(settled)) finish();
      });
    }
  });
}
