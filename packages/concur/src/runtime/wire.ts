/**
 * Objects that cannot be structured-cloned as they are, but can travel to a worker
 * in another form: a thread Mutex travels as its SharedArrayBuffer, a process Lock
 * as an id the parent brokers. Such an object carries `[kWire]`: the codec that
 * encodes it on the sending side and decodes it on the receiving side, wherever it sits
 * in the value (see wire-walk.ts).
 */
export const kWire = Symbol.for('concur.wire');

export type RuntimeName = 'thread' | 'process';

/** A worker as the parent sees it (who sent a channel request, who exited). */
export interface WireTarget {
  readonly runtime: RuntimeName;
  /** Thread id or pid; stable for the worker's life. */
  readonly workerId: number;
}

/** Which boundary a value crosses: into a worker of `runtime`, or from one back to its parent. */
export interface WireRoute {
  readonly runtime: RuntimeName;
  readonly toParent: boolean;
}

/** Where a value is decoded: inside a worker, or (`'parent'`) in the pool's own thread. */
export interface WireHost {
  readonly runtime: RuntimeName | 'parent';
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
  /** A structured-cloneable form of `value` for that route; throw DataCloneError if it cannot go there. */
  encode(value: T, route: WireRoute): D;
  /** Receiving side: brings the value back to life. */
  decode(data: D, host: WireHost): T;
}

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

// ---- used by the pool, the worker entries and wire-walk.ts ----------------------------

export function codecNamed(name: string): WireCodec | undefined {
  return state.codecs.get(name);
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
