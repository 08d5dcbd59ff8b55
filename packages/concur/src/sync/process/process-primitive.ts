import { AbortError, DataCloneError, TimeoutError } from '../../errors/errors.ts';
import { AbandonedMutexError, LockNotHeldError } from '../../errors/sync-errors.ts';
import type { WireCodec, WireHost } from '../../runtime/wire.ts';
import { holdAlive } from '../keep-alive.ts';
import { ReleaseHandle } from '../release-handle.ts';
import { runWith } from '../run-with.ts';
import { parseWaitOptions, type SyncWaitOptions } from '../wait-options.ts';
import {
  Broker,
  brokerOf,
  CHANNEL,
  PARENT,
  type Reply,
  type Request,
  registerBroker,
} from './broker.ts';

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
    if (message.op === 'release') {
      return this.broker.release(PARENT, message.token, message.unreported);
    }
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
let reviving: { id: string; backend: Backend; name: string | undefined } | undefined;

export interface WireForm {
  readonly id: string;
  readonly name: string | undefined;
}

/** Options of ProcessLock and ProcessSemaphore. */
export interface ProcessPrimitiveOptions {
  /** Names it in errors (a lock's TimeoutError says which lock and who holds it); travels with it. */
  name?: string;
}

let nextToken = 1;
let encodeProcessPrimitive: (value: ProcessPrimitive, toParent: boolean) => WireForm;
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Shared front of ProcessLock and ProcessSemaphore. In the parent it owns a Broker;
 * in a worker it is a proxy that sends each acquire and release to that broker over
 * the worker's IPC channel (or thread port), so every process sees the same permits.
 */
export abstract class ProcessPrimitive {
  readonly #id: string;
  readonly #backend: Backend;
  readonly #kind: string;
  readonly #name: string | undefined;
  /** Tokens this side holds, newest last, for `release()` without a handle. */
  readonly #held: number[] = [];

  protected constructor(
    kind: string,
    permits: number,
    reportsAbandoned: boolean,
    name: string | undefined,
  ) {
    this.#kind = kind;
    const revived = reviving;
    reviving = undefined;
    this.#name = revived === undefined ? name : revived.name;
    if (revived !== undefined) {
      this.#id = revived.id;
      this.#backend = revived.backend;
    } else {
      // The global, not node:crypto: importing that cost every worker start ~5 ms.
      this.#id = globalThis.crypto.randomUUID();
      this.#backend = new LocalBackend(new Broker(permits, reportsAbandoned));
    }
  }

  /** The name given at construction, used in its errors. */
  get name(): string | undefined {
    return this.#name;
  }

  /** Waits for the lock or a permit. The parent serves requests from every process first in, first out. */
  async acquire(options?: SyncWaitOptions): Promise<ReleaseHandle> {
    const { signal, timeoutMs } = parseWaitOptions(options);
    const what = `to acquire ${this.#label()}`;
    if (signal?.aborted)
      throw new AbortError(`Aborted while waiting ${what}`, { cause: signal.reason });
    const token = nextToken++;
    const request: Request =
      timeoutMs === undefined
        ? { op: 'acquire', id: this.#id, token }
        : { op: 'acquire', id: this.#id, token, timeoutMs };
    const reply = this.#backend.request(request);
    // The parent's broker answers when another process lets go, which Node does not count as pending work.
    const release = holdAlive();
    let result: Reply;
    try {
      result =
        signal === undefined ? await reply : await this.#abortable(reply, token, signal, what);
    } finally {
      release();
    }
    if (result.ok) {
      this.#held.push(token);
      return new ReleaseHandle(() => this.#release(token));
    }
    if (result.reason === 'timeout') {
      const holder = result.holder === undefined ? '' : `, held by ${result.holder}`;
      throw new TimeoutError(
        `Timed out after ${timeoutMs} ms waiting ${what}${holder}`,
        timeoutMs ?? 0,
      );
    }
    if (result.reason === 'abandoned') {
      // The broker handed the report over with the lock held; let go of it now.
      this.#backend.request({ op: 'release', id: this.#id, token }).catch(() => {});
      throw new AbandonedMutexError(
        `${capitalize(this.#label())} was abandoned: process ${result.ownerId} exited while holding it, so what it ` +
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
        `release() was called on ${this.#label(true)} this process does not hold`,
      );
    }
    this.#release(token);
  }

  /** Runs `fn` holding the lock (or a permit), and releases it however `fn` ends. */
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
          } else if (result.reason === 'abandoned') {
            // Nobody will see this report here: hand it back for the next acquirer.
            const unreported = result.ownerId;
            this.#backend
              .request({ op: 'release', id: this.#id, token, unreported })
              .catch(() => {});
          }
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!aborted) reject(error);
        },
      );
    });
  }

  #label(indefinite = false): string {
    if (this.#name !== undefined) return `the ${this.#kind} "${this.#name}"`;
    return `${indefinite ? 'a' : 'the'} ${this.#kind}`;
  }

  static {
    encodeProcessPrimitive = (value, toParent) => {
      const local = value.#backend instanceof LocalBackend;
      if (toParent && local) {
        throw new DataCloneError(
          `a ${value.#kind} made inside a worker cannot be sent to the parent, which brokers only its own; create it in the parent`,
        );
      }
      if (!toParent && !local) {
        throw new DataCloneError(
          `a ${value.#kind} received from the parent cannot be passed on to another pool; pass it from the parent`,
        );
      }
      if (local) registerBroker(value.#id, (value.#backend as LocalBackend).broker);
      return { id: value.#id, name: value.#name };
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
    encode: (value, route) => encodeProcessPrimitive(value, route.toParent),
    decode(data, host) {
      let backend: Backend;
      if (host.runtime === 'parent') {
        // One of ours, sent back as a task's result: the same broker, so the same lock.
        const broker = brokerOf(data.id);
        if (broker === undefined) {
          throw new DataCloneError('a process primitive came back that this parent never sent out');
        }
        backend = new LocalBackend(broker);
      } else backend = new RemoteBackend(host);
      reviving = { id: data.id, backend, name: data.name };
      try {
        return make();
      } finally {
        reviving = undefined;
      }
    },
  };
}
