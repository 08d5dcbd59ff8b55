import type { Movable } from '../transfer/transfer-marks.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';
import type { RuntimeName } from './wire.ts';

/** What the pool sees of one worker, whatever runs it. */
export interface WorkerHandle {
  readonly runtime: RuntimeName;
  /** Thread id or pid. */
  readonly id: number;
  /**
   * Sends a message; throws synchronously if it cannot be serialized. A thread moves the
   * `transfer` list's buffers and ports; a process copies them, as part of the message.
   */
  send(message: ToWorker, transfer?: readonly Movable[]): void;
  /** How many jobs the worker has started, as far as we know (exact once it has exited). */
  startedCount(): number;
  /** Asks the worker to finish and exit. */
  stop(): void;
  /** Ends the worker now (a runaway task, an abort). */
  kill(): void;
  /**
   * The worker did not end within a grace time after kill(): a thread blocked in a
   * synchronous call (execSync, a native call) cannot be terminated until it returns.
   * Free what holds it if possible, and stop it from keeping the program alive.
   */
  abandon(): void;
  /** Keep the program alive while this worker has work. */
  ref(): void;
  /** Let the program exit while this worker idles. */
  unref(): void;
}

export interface WorkerEvents {
  message(message: FromWorker): void;
  /** An uncaught error inside the worker, reported before it exits. */
  error(error: unknown): void;
  /** The worker is gone, and everything it sent has been received. */
  exit(exitCode: number | null, signal: string | null): void;
}

/** One adapter per runtime: worker threads, child processes. */
export interface RuntimeAdapter {
  readonly name: RuntimeName;
  spawn(setup: WorkerSetup, events: WorkerEvents): WorkerHandle;
}

/**
 * A worker entry, found from the `import.meta.url` of the module asking: a file in
 * src/runtime/ (.ts, concur running from its sources under tsx) or dist/runtime/, or
 * dist/core.js, the one file the build bundles the core into (scripts/bundle-core.mjs).
 */
export function entryUrl(fromUrl: string | undefined, name: string): URL {
  // A CommonJS bundle that inlined concur leaves import.meta empty: no entry can be found
  // from it, which checkEntry() reports when a pool starts its first worker.
  if (typeof fromUrl !== 'string') return new URL(`concur-bundled:${name}`);
  const extension = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  const folder = fromUrl.endsWith('/core.js') ? './runtime/entry/' : './entry/';
  return new URL(`${folder}${name}${extension}`, fromUrl);
}
