import { DataCloneError } from '../errors/errors.ts';

/**
 * Objects that cannot be structured-cloned as they are, but can travel to a worker
 * in another form: a thread Mutex travels as its SharedArrayBuffer, a process Lock
 * as an id the parent brokers. Such an object carries `[kWire]`: the codec that
 * encodes it in the parent and decodes it in the worker. Only top-level task
 * arguments are looked at, so the check costs one property read per argument.
 */
export const kWire = Symbol.for('concur.wire');

export type RuntimeName = 'thread' | 'process';

/** The worker a value is being sent to, as the parent sees it. */
export interface WireTarget {
  readonly runtime: RuntimeName;
  /** Thread id or pid; stable for the worker's life. */
  readonly workerId: number;
}

/** What a decoded value can use inside the worker. */
export interface WireHost {
  readonly runtime: RuntimeName;
  /** Sends a request to the parent's handler for `channel` and resolves with its reply. */
  request(channel: string, message: unknown): Promise<unknown>;
}

export interface WireCodec<T = unknown, D = unknown> {
  /** Unique name, e.g. 'concur.thread-mutex'. */
  readonly name: string;
  /**
   * `import.meta.url` of the module that registers this codec; a worker imports it
   * to find the codec before decoding.
   */
  readonly moduleUrl: string;
  /** Parent side: a structured-cloneable form of `value` for that worker; throw DataCloneError if it cannot go there. */
  encode(value: T, target: WireTarget): D;
  /** Worker side: brings the value back to life. */
  decode(data: D, host: WireHost): T;
}

/** The form an encoded argument takes on the wire. */
export interface WireEnvelope {
  readonly [kEnvelope]: true;
  readonly codec: string;
  readonly moduleUrl: string;
  readonly data: unknown;
}
const kEnvelope = '__concurWire';

export type ChannelHandler = (message: unknown, from: WireTarget) => unknown;
export type WorkerExitListener = (worker: WireTarget) => void;

const kState = Symbol.for('concur.wire-state');
interface WireState {
  codecs: Map<string, WireCodec>;
  channels: Map<string, ChannelHandler>;
  exitListeners: Set<WorkerExitListener>;
}
const holder = globalThis as { [kState]?: WireState };
const state: WireState = holder[kState] ?? {
  codecs: new Map(),
  channels: new Map(),
  exitListeners: new Set(),
};
holder[kState] = state;

export function registerWireCodec(codec: WireCodec): void {
  state.codecs.set(codec.name, codec);
}

/** Parent side: handle requests that decoded values send from workers. */
export function registerChannel(channel: string, handler: ChannelHandler): void {
  state.channels.set(channel, handler);
}

/** Parent side: be told when any worker thread or process exits (to release what it held). */
export function onWorkerExit(listener: WorkerExitListener): () => void {
  state.exitListeners.add(listener);
  return () => state.exitListeners.delete(listener);
}

// ---- used by the pool and the worker entries ------------------------------------------

export function hasWireValue(args: unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a !== null && typeof a === 'object' && (a as { [kWire]?: unknown })[kWire] !== undefined)
      return true;
  }
  return false;
}

export function encodeArgs(args: unknown[], target: WireTarget): unknown[] {
  return args.map((a, index) => {
    const codec =
      a !== null && typeof a === 'object'
        ? ((a as { [kWire]?: WireCodec })[kWire] as WireCodec | undefined)
        : undefined;
    if (codec === undefined) return a;
    try {
      return {
        [kEnvelope]: true,
        codec: codec.name,
        moduleUrl: codec.moduleUrl,
        data: codec.encode(a, target),
      };
    } catch (error) {
      if (error instanceof DataCloneError) {
        throw new DataCloneError(
          `Argument ${index} cannot be sent to a ${target.runtime} worker: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  });
}

function isEnvelope(value: unknown): value is WireEnvelope {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[kEnvelope] === true
  );
}

export function hasEnvelope(args: unknown[]): boolean {
  for (let i = 0; i < args.length; i++) if (isEnvelope(args[i])) return true;
  return false;
}

export async function decodeArgs(args: unknown[], host: WireHost): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const a of args) {
    if (!isEnvelope(a)) {
      out.push(a);
      continue;
    }
    let codec = state.codecs.get(a.codec);
    if (codec === undefined) {
      await import(a.moduleUrl);
      codec = state.codecs.get(a.codec);
    }
    if (codec === undefined) {
      throw new DataCloneError(`No codec named ${a.codec} was registered by ${a.moduleUrl}`);
    }
    out.push(codec.decode(a.data, host));
  }
  return out;
}

export async function handleChannelRequest(
  channel: string,
  message: unknown,
  from: WireTarget,
): Promise<unknown> {
  const handler = state.channels.get(channel);
  if (handler === undefined) throw new Error(`No handler for concur channel ${channel}`);
  return handler(message, from);
}

export function notifyWorkerExit(worker: WireTarget): void {
  for (const listener of state.exitListeners) {
    try {
      listener(worker);
    } catch {
      // A listener's failure must not stop the pool from replacing the worker.
    }
  }
}
