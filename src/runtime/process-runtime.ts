import type { ChildProcess, ForkOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ToWorker, WorkerSetup } from './protocol.ts';
import { entryUrl, type RuntimeAdapter, type WorkerEvents, type WorkerHandle } from './runtime.ts';

const ENTRY = fileURLToPath(entryUrl(import.meta.url, 'process-entry'));

// Loaded on the first fork: node:child_process brings node:net and streams with it, about
// 7 ms of every import of concur (and of every worker thread's start) that never forks.
let childProcess: typeof import('node:child_process') | undefined;
function fork(modulePath: string, args: string[], options: ForkOptions): ChildProcess {
  childProcess ??= createRequire(import.meta.url)(
    'node:child_process',
  ) as typeof import('node:child_process');
  return childProcess.fork(modulePath, args, options);
}

export interface ProcessRuntimeOptions {
  execArgv: string[] | undefined;
  env: NodeJS.ProcessEnv | undefined;
}

type Refable = { ref?: () => void; unref?: () => void };

class ProcessHandle implements WorkerHandle {
  readonly runtime = 'process' as const;
  readonly id: number;
  readonly #child: ChildProcess;
  readonly #progressPipe: Readable;
  #started = 0;
  #partial: Buffer | undefined;
  readonly #events: WorkerEvents;

  constructor(setup: WorkerSetup, events: WorkerEvents, options: ProcessRuntimeOptions) {
    this.#events = events;
    // fd 3 is a pipe on which the child writes, synchronously, how many jobs it has started;
    // it survives the child's sudden death, so we know which jobs never began.
    this.#child = fork(ENTRY, [], {
      serialization: 'advanced',
      execArgv: options.execArgv ?? process.execArgv,
      env: options.env ?? process.env,
      stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'ipc'],
    });
    this.id = this.#child.pid ?? -1;
    this.#progressPipe = this.#child.stdio[3] as Readable;
    this.#progressPipe.on('data', (chunk: Buffer) => this.#onProgress(chunk));
    this.#child.on('message', events.message as (m: unknown) => void);
    this.#child.on('error', events.error);
    // 'close' (not 'exit') fires once stdio is drained, so the progress count is final.
    this.#child.on('close', (code, signal) => events.exit(code, signal));
    this.#child.send({ setup });
  }

  // Frames on the progress pipe: a non-negative int32 is the count of jobs started; a
  // negative one is the length of a JSON record of the uncaught error that follows.
  #onProgress(chunk: Buffer): void {
    let data = this.#partial === undefined ? chunk : Buffer.concat([this.#partial, chunk]);
    let at = 0;
    while (data.length - at >= 4) {
      const value = data.readInt32LE(at);
      if (value >= 0) {
        this.#started = value;
        at += 4;
        continue;
      }
      if (data.length - at - 4 < -value) break;
      const record = JSON.parse(data.toString('utf8', at + 4, at + 4 - value)) as {
        name: string;
        message: string;
        stack?: string;
      };
      const error = new Error(record.message);
      error.name = record.name;
      if (record.stack !== undefined) error.stack = record.stack;
      this.#events.error(error);
      at += 4 - value;
    }
    data = data.subarray(at);
    this.#partial = data.length > 0 ? data : undefined;
  }

  send(message: ToWorker): void {
    if (this.#child.connected) this.#child.send(message);
  }

  startedCount(): number {
    return this.#started;
  }

  stop(): void {
    if (this.#child.connected) this.#child.send({ x: 1 });
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  ref(): void {
    this.#child.ref();
    (this.#child.channel as Refable | undefined)?.ref?.();
    (this.#progressPipe as Refable).ref?.();
  }

  unref(): void {
    this.#child.unref();
    (this.#child.channel as Refable | undefined)?.unref?.();
    (this.#progressPipe as Refable).unref?.();
  }
}

export class ProcessRuntime implements RuntimeAdapter {
  readonly name = 'process' as const;
  readonly #options: ProcessRuntimeOptions;

  constructor(options: ProcessRuntimeOptions) {
    this.#options = options;
  }

  spawn(setup: WorkerSetup, events: WorkerEvents): WorkerHandle {
    return new ProcessHandle(setup, events, this.#options);
  }
}
