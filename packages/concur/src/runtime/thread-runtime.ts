import { type ResourceLimits, Worker, type WorkerOptions } from 'node:worker_threads';
import type { Movable } from '../transfer/transfer-marks.ts';
import { checkEntry } from './entry-check.ts';
import { inheritedExecArgv } from './exec-argv.ts';
import { initArgsRefused } from './init-args-refused.ts';
import { spawnRefused } from './permission.ts';
import type { ToWorker, WorkerSetup } from './protocol.ts';
import { entryUrl, type RuntimeAdapter, type WorkerEvents, type WorkerHandle } from './runtime.ts';
import { killThreadChildren } from './thread-children.ts';
import { resolveTsxApi } from './tsx-loader.ts';

const ENTRY = entryUrl(import.meta.url, 'thread-entry');

/**
 * When concur itself runs from its TypeScript sources (its own tests), the entry is a
 * .ts file. Node 20 does not apply `--import tsx` hooks inside worker threads, so a
 * tiny CommonJS bootstrap registers tsx in the worker before importing the entry.
 * Built packages (dist/*.js) start the entry directly.
 */
function workerTarget(): { target: URL | string; eval: boolean } {
  if (!ENTRY.pathname.endsWith('.ts')) return { target: ENTRY, eval: false };
  const tsxApi = resolveTsxApi(import.meta.url);
  if (tsxApi === undefined) return { target: ENTRY, eval: false };
  const code =
    `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(ENTRY.href)}); })` +
    '.catch((error) => { process.nextTick(() => { throw error; }); });';
  return { target: code, eval: true };
}
const TARGET = workerTarget();

export interface ThreadRuntimeOptions {
  resourceLimits: ResourceLimits | undefined;
}

class ThreadHandle implements WorkerHandle {
  readonly runtime = 'thread' as const;
  readonly id: number;
  readonly #worker: Worker;
  readonly #progress: Int32Array;

  constructor(setup: WorkerSetup, events: WorkerEvents, options: ThreadRuntimeOptions) {
    // [0] jobs started, [1] the thread's kernel id (see abandon()).
    this.#progress = new Int32Array(new SharedArrayBuffer(8));
    const workerOptions: WorkerOptions = {
      workerData: { ...setup, progress: this.#progress },
      eval: TARGET.eval,
    };
    // Flags are inherited as they are, unless the parent's own entry needs some dropped (a
    // Worker given flags explicitly refuses the process-wide ones, such as --max-old-space-size).
    const execArgv = inheritedExecArgv();
    if (execArgv.length !== process.execArgv.length) workerOptions.execArgv = execArgv;
    if (options.resourceLimits !== undefined) workerOptions.resourceLimits = options.resourceLimits;
    try {
      this.#worker = new Worker(TARGET.target, workerOptions);
    } catch (error) {
      // Structured clone refused workerData: only initArgs can hold such a value.
      if (error instanceof DOMException && error.name === 'DataCloneError') {
        throw initArgsRefused('thread', error);
      }
      throw spawnRefused('thread', error);
    }
    this.id = this.#worker.threadId;
    this.#worker.on('message', events.message);
    this.#worker.on('error', events.error);
    this.#worker.on('exit', (code) => events.exit(code, null));
  }

  send(message: ToWorker, transfer?: readonly Movable[]): void {
    this.#worker.postMessage(message, transfer);
  }

  startedCount(): number {
    return Atomics.load(this.#progress, 0);
  }

  stop(): void {
    this.#worker.postMessage({ x: 1 });
  }

  kill(): void {
    void this.#worker.terminate();
  }

  abandon(): void {
    killThreadChildren(Atomics.load(this.#progress, 1));
    this.#worker.unref();
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }
}

export class ThreadRuntime implements RuntimeAdapter {
  readonly name = 'thread' as const;
  readonly #options: ThreadRuntimeOptions;

  constructor(options: ThreadRuntimeOptions) {
    this.#options = options;
  }

  spawn(setup: WorkerSetup, events: WorkerEvents): WorkerHandle {
    checkEntry(ENTRY, 'thread', import.meta.url);
    return new ThreadHandle(setup, events, this.#options);
  }
}
