import { AbortError, TimeoutError } from '../../errors/errors.ts';
import { onWorkerExit, registerChannel, type WireTarget } from '../../runtime/wire.ts';
import { AsyncSemaphore } from '../async/semaphore.ts';
import type { ReleaseHandle } from '../release-handle.ts';

/** The channel every process primitive's requests travel on. */
export const CHANNEL = 'concur.process-sync';

export type Request =
  | { op: 'acquire'; id: string; token: number; timeoutMs?: number }
  /** `unreported`: the requester was aborted as an abandonment report reached it; pass it on. */
  | { op: 'release'; id: string; token: number; unreported?: number }
  | { op: 'cancel'; id: string; token: number };

export type Reply =
  | { ok: true }
  | { ok: false; reason: 'aborted' | 'not-held' | 'unknown' }
  /** `holder` names who held it when the wait timed out (locks only). */
  | { ok: false; reason: 'timeout'; holder?: string }
  /** The requester holds the lock until it answers with a release (it may have been aborted meanwhile). */
  | { ok: false; reason: 'abandoned'; ownerId: number };

/** Who asked: a worker (by runtime and id) or the parent itself. */
export type Requester = string;
export const PARENT: Requester = 'parent';
const requesterOf = (worker: WireTarget): Requester => `${worker.runtime}:${worker.workerId}`;
const describeRequester = (requester: Requester): string =>
  requester === PARENT ? 'the parent' : `worker ${requester.replace(':', ' ')}`;

interface Held {
  readonly requester: Requester;
  readonly handle: ReleaseHandle;
  /** The abandonment report handed over with this grant, until the requester answers. */
  readonly report: number | undefined;
}

/**
 * The parent's side of one process lock or semaphore. The permits are an
 * AsyncSemaphore, so the parent inherits its guarantees: first in, first out,
 * and a cancelled or timed-out request leaves no trace. The broker only adds
 * bookkeeping of who holds and who waits, to free what a dead worker held.
 */
export class Broker {
  readonly #permits: AsyncSemaphore;
  /** Locks report a holder that died to the next acquirer; semaphores just free the permit. */
  readonly #reportsAbandoned: boolean;
  readonly #held = new Map<string, Held>();
  readonly #waiting = new Map<string, { requester: Requester; controller: AbortController }>();
  #abandonedBy: number | undefined;

  constructor(permits: number, reportsAbandoned: boolean) {
    this.#permits = new AsyncSemaphore(permits);
    this.#reportsAbandoned = reportsAbandoned;
  }

  get value(): number {
    return this.#permits.value;
  }

  async acquire(requester: Requester, token: number, timeoutMs?: number): Promise<Reply> {
    const key = `${requester}/${token}`;
    const controller = new AbortController();
    this.#waiting.set(key, { requester, controller });
    let handle: ReleaseHandle;
    try {
      handle = await this.#permits.acquire(
        timeoutMs === undefined
          ? { signal: controller.signal }
          : { signal: controller.signal, timeoutMs },
      );
    } catch (error) {
      if (error instanceof TimeoutError) return this.#timedOut();
      if (error instanceof AbortError) return { ok: false, reason: 'aborted' };
      throw error;
    } finally {
      this.#waiting.delete(key);
    }
    const report = this.#abandonedBy;
    this.#abandonedBy = undefined;
    // A report is handed over with the lock still held, so nobody can take the lock
    // unreported while it travels; a requester aborted meanwhile hands it back.
    this.#held.set(key, { requester, handle, report });
    if (report !== undefined) return { ok: false, reason: 'abandoned', ownerId: report };
    return { ok: true };
  }

  release(requester: Requester, token: number, unreported?: number): Reply {
    const key = `${requester}/${token}`;
    const held = this.#held.get(key);
    if (held === undefined) return { ok: false, reason: 'not-held' };
    this.#held.delete(key);
    if (unreported !== undefined) this.#abandonedBy ??= unreported;
    held.handle.release();
    return { ok: true };
  }

  #timedOut(): Reply {
    if (!this.#reportsAbandoned) return { ok: false, reason: 'timeout' };
    for (const held of this.#held.values()) {
      return { ok: false, reason: 'timeout', holder: describeRequester(held.requester) };
    }
    return { ok: false, reason: 'timeout' };
  }

  cancel(requester: Requester, token: number): Reply {
    this.#waiting.get(`${requester}/${token}`)?.controller.abort();
    return { ok: true };
  }

  /** Drops the requests of a worker that exited, and frees what it held. */
  workerExited(requester: Requester, workerId: number): void {
    for (const [key, waiting] of this.#waiting) {
      if (waiting.requester === requester) {
        this.#waiting.delete(key);
        waiting.controller.abort();
      }
    }
    for (const [key, held] of this.#held) {
      if (held.requester !== requester) continue;
      this.#held.delete(key);
      // A report it was handed and never answered stands: it never ran code under the lock.
      if (this.#reportsAbandoned) this.#abandonedBy ??= held.report ?? workerId;
      held.handle.release();
    }
  }
}

// Brokers are registered when their primitive is first sent to a worker, and stay for the
// life of the parent: a worker may still hold a reference after the parent dropped its own.
const brokers = new Map<string, Broker>();

/** The broker of a primitive this parent sent out, to revive one that a worker sends back. */
export function brokerOf(id: string): Broker | undefined {
  return brokers.get(id);
}

export function registerBroker(id: string, broker: Broker): void {
  if (brokers.has(id)) return;
  brokers.set(id, broker);
  listen();
}

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  registerChannel(CHANNEL, (message, from) => {
    const request = message as Request;
    const broker = brokers.get(request.id);
    if (broker === undefined) return { ok: false, reason: 'unknown' } satisfies Reply;
    const requester = requesterOf(from);
    if (request.op === 'acquire')
      return broker.acquire(requester, request.token, request.timeoutMs);
    if (request.op === 'release') {
      return broker.release(requester, request.token, request.unreported);
    }
    return broker.cancel(requester, request.token);
  });
  onWorkerExit((worker) => {
    const requester = requesterOf(worker);
    for (const broker of brokers.values()) broker.workerExited(requester, worker.workerId);
  });
}
