import { AbortError, DataCloneError, TimeoutError } from '../../errors/errors.ts';
import { AbandonedMutexError, LockNotHeldError } from '../../errors/sync-errors.ts';
import type { WireCodec, WireHost } from '../../runtime/wire.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import { Broker, CHANNEL, PARENT, type Reply, type Request, registerBroker } from './broker.ts';

/** How one side reaches the broker: directly in the parent, over IPC in a worker. */
interface Backend {
  request(message: Request): Promise<Reply>;
}

class LocalBackend implements Backend {
  readonly broker: Broker;
  constructor(broker: Broker) {
    this.broker = broker;
  }
  async request(message: Request): Promise<Reply> {
    if (message.op === 'acquire') {
      return this.broker.acquire(PARENT, message.token, message.timeoutMs);
    }
    if (message.op === 'release') return this.broker.release(PARENT, message.token);
    return this.broker.cancel(PARENT, message.token);
  }
}

class RemoteBackend implements Backend {
  readonly #host: WireHost;
  constructor(host: WireHost) {
    this.#host = host;
  }
  request(message: Request): Promise<Reply> {
    return this.#host.request(CHANNEL, message) as Promise<Reply>;
  }
}

// Set by `revive` for the duration of one constructor call: a worker-side copy is
// built through the public constructor, which then attaches instead of creating.
let reviving: { id: string; backend: Backend } | undefined;

export interface WireForm {
  readonly id: string;
}

let nextToken = 1;
let encodeProcessPrimitive: (value: ProcessPrimitive) => WireForm;

/**
 * Shared front of ProcessLock and ProcessSemaphore. In the parent it owns a Broker;
 * in a worker it is a proxy that sends each acquire and release to that broker over
 * the worker's IPC channel (or thread port), so every process sees the same permits.
 */
export abstract class ProcessPrimitive {
  readonly #id: string;
  readonly #backend: Backend;
  readonly #kind: string;
  /** Tokens this side holds, newest last, for `release()` without a handle. */
  readonly #held: number[] = [];

  protected constructor(kind: string, permits: number, reportsAbandoned: boolean) {
    this.#kind = kind;
    const revived = reviving;
    reviving = undefined;
    if (revived !== undefined) {
      this.#id = revived.id;
      this.#backend = revived.backend;
    } else {
      // The global, not node:crypto: importing that cost every worker start ~5 ms.
      this.#id = globalThis.crypto.randomUUID();
      this.#backend = new LocalBackend(new Broker(permits, reportsAbandoned));
    }
  }

  /** Waits for the lock or a permit. The parent serves requests from every process first in, first out. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    const { signal, timeoutMs } = parseWaitOptions(options);
    const what = `to acquire the ${this.#kind}`;
    if (signal?.aborted)
      throw new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason });
    const token = nextToken++;
    const request: Request =
      timeoutMs === undefined
        ? { op: 'acquire', id: this.#id, token }
        : { op: 'acquire', id: this.#id, token, timeoutMs };
    const reply = this.#backend.request(request);
    const result =
      signal === undefined ? await reply : await this.#abortable(reply, token, signal, what);
    if (result.ok) {
      this.#held.push(token);
      return new ReleaseHandle(() => this.#release(token));
    }
    if (result.reason === 'timeout') {
      throw new TimeoutError(`Timed out after ${timeoutMs} ms waiting ${what}`, timeoutMs ?? 0);
    }
    if (result.reason === 'abandoned') {
      throw new AbandonedMutexError(
        `The ${this.#kind} was abandoned: process ${result.ownerId} exited while holding it, so what it ` +
          'guards may be half-updated. It is free again; check, then acquire again.',
        result.ownerId,
      );
    }
    if (result.reason === 'aborted') throw new AbortError(`Aborted while waiting ${what}`);
    throw new DataCloneError(
      `This ${this.#kind} is not known to the parent: it must be created in the process that runs the pool`,
    );
  }

  /** Releases the most recent acquisition made on this side (process). */
  release(): void {
    const token = this.#held.at(-1);
    if (token === undefined) {
      throw new LockNotHeldError(
        `release() was called on a ${this.#kind} this process does not hold`,
      );
    }
    this.#release(token);
  }

  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<Awaited<R>> {
    return runWith(() => this.acquire(options), fn);
  }

  #release(token: number): void {
    const index = this.#held.lastIndexOf(token);
    if (index === -1) return;
    this.#held.splice(index, 1);
    // Fire and forget: the channel keeps order, so a later acquire from here arrives after it.
    this.#backend.request({ op: 'release', id: this.#id, token }).catch(() => {});
  }

  /** Rejects at once on abort; if the grant was already on its way, gives it back. */
  #abortable(
    reply: Promise<Reply>,
    token: number,
    signal: AbortSignal,
    what: string,
  ): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        this.#backend.request({ op: 'cancel', id: this.#id, token }).catch(() => {});
        reject(new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      reply.then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          if (!aborted) resolve(result);
          else if (result.ok) {
            this.#backend.request({ op: 'release', id: this.#id, token }).catch(() => {});
          }
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!aborted) reject(error);
        },
      );
    });
  }

  static {
    encodeProcessPrimitive = (value) => {
      if (!(value.#backend instanceof LocalBackend)) {
        throw new DataCloneError(
          `a ${value.#kind} received from the parent cannot be passed on to another pool; pass it from the parent`,
        );
      }
      registerBroker(value.#id, value.#backend.broker);
      return { id: value.#id };
    };
  }
}

/** The wire codec of a process primitive class. */
export function processCodec<T extends ProcessPrimitive>(
  name: string,
  moduleUrl: string,
  make: () => T,
): WireCodec<T, WireForm> {
  return {
    name,
    moduleUrl,
    encode: (value) => encodeProcessPrimitive(value),
    decode(data, host) {
      reviving = { id: data.id, backend: new RemoteBackend(host) };
      try {
        return make();
      } finally {
        reviving = undefined;
      }
    },
  };
}
