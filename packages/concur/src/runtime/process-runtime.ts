import type { ChildProcess, ForkOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeCompact } from './compact-codec.ts';
import { checkEntry } from './entry-check.ts';
import { inheritedExecArgv } from './exec-argv.ts';
import { initArgsRefused } from './init-args-refused.ts';
import { loadBuiltin } from './load-builtin.ts';
import { deserializeOwnBytes } from './own-bytes.ts';
import { spawnRefused } from './permission.ts';
import { compactFrame, FrameKind, FrameReader, frame, PipeFd } from './pipe-frames.ts';
import { PROGRESS_FD, ProgressFile } from './progress-file.ts';
import type { FromWorker, ProcessSetup, ToWorker, WorkerSetup } from './protocol.ts';
import { entryUrl, type RuntimeAdapter, type WorkerEvents, type WorkerHandle } from './runtime.ts';

const ENTRY_URL = entryUrl(import.meta.url, 'process-entry');
const ENTRY = ENTRY_URL.protocol === 'file:' ? fileURLToPath(ENTRY_URL) : ENTRY_URL.href;

// Loaded on the first fork: node:child_process brings node:net and streams with it, about
// 7 ms of every import of concur (and of every worker thread's start) that never forks.
let childProcess: typeof import('node:child_process') | undefined;
let v8: typeof import('node:v8') | undefined;
function fork(modulePath: string, args: string[], options: ForkOptions): ChildProcess {
  childProcess ??= loadBuiltin<typeof import('node:child_process')>('node:child_process');
  return childProcess.fork(modulePath, args, options);
}
function nodeV8(): typeof import('node:v8') {
  v8 ??= loadBuiltin<typeof import('node:v8')>('node:v8');
  return v8;
}

/** A message as the bytes of its frame: compact, else V8-serialized (throws if it cannot be). */
function encode(message: ToWorker | ProcessSetup): Uint8Array | Uint8Array[] {
  const compact = compactFrame(message);
  if (compact !== undefined) return compact;
  return frame(FrameKind.Message, nodeV8().serialize(message));
}

export interface ProcessRuntimeOptions {
  execArgv: string[] | undefined;
  env: NodeJS.ProcessEnv | undefined;
}

type Refable = { ref?: () => void; unref?: () => void };

/** A progress file, or undefined if the temporary folder refuses one (read-only, full). */
function openProgressFile(): ProgressFile | undefined {
  try {
    return new ProgressFile();
  } catch {
    return undefined;
  }
}

class ProcessHandle implements WorkerHandle {
  readonly runtime = 'process' as const;
  readonly id: number;
  readonly #child: ChildProcess;
  readonly #fromChild: Readable;
  readonly #toChild: Writable;
  readonly #reader: FrameReader;
  /** Where the child counts the jobs it started; undefined: it sends Started frames instead. */
  readonly #progress: ProgressFile | undefined;
  #started = 0;
  #open = true;
  readonly #events: WorkerEvents;

  constructor(setup: WorkerSetup, events: WorkerEvents, options: ProcessRuntimeOptions) {
    this.#events = events;
    // Jobs and results go over two pipes of our own (pipe-frames.ts), not the IPC channel:
    // the child writes to fd 3 synchronously, so whatever it wrote before a sudden death
    // (results, the count of jobs started) still arrives, before 'close'; it reads fd 4
    // synchronously while it polls between tasks. The IPC channel only tells it we are gone.
    this.#progress = openProgressFile();
    const progress = this.#progress === undefined ? undefined : PROGRESS_FD;
    // Encoded before the fork: a setup that cannot be sent (initArgs holding a function)
    // fails here, with no child left waiting for it.
    let first: Uint8Array | Uint8Array[];
    try {
      first = encode({ setup, parent: process.pid, progress });
    } catch (error) {
      this.#progress?.close();
      throw initArgsRefused('process', error);
    }
    const stdio: ForkOptions['stdio'] = ['inherit', 'inherit', 'inherit', 'pipe', 'pipe', 'ipc'];
    if (this.#progress !== undefined) stdio.push(this.#progress.fd);
    try {
      this.#child = fork(ENTRY, [], {
        execArgv: options.execArgv ?? inheritedExecArgv(),
        env: options.env ?? process.env,
        stdio,
      });
    } catch (error) {
      this.#progress?.close();
      throw spawnRefused('process', error);
    }
    this.id = this.#child.pid ?? -1;
    this.#fromChild = this.#child.stdio[PipeFd.FromChild] as Readable;
    this.#toChild = this.#child.stdio[PipeFd.ToChild] as Writable;
    this.#reader = new FrameReader((kind, body) => this.#onFrame(kind, body));
    this.#fromChild.on('data', (chunk: Buffer) => this.#reader.push(chunk));
    // A child that dies while we write finds the pipe closed; 'close' tells the pool.
    this.#toChild.on('error', () => {});
    this.#child.on('error', (error) => {
      // A child that never started has no 'close' to come: its progress file goes now.
      if (this.#child.pid === undefined) this.#progress?.close();
      events.error(error);
    });
    // 'close' (not 'exit') fires once stdio is drained, so every frame has been read.
    this.#child.on('close', (code, signal) => {
      this.#open = false;
      if (this.#progress !== undefined) {
        // The larger count: a child whose file write failed went on with Started frames.
        this.#started = Math.max(this.#started, this.#progress.read());
        this.#progress.close();
      }
      events.exit(code, signal);
    });
    this.#writeEncoded(first);
  }

  #onFrame(kind: number, body: Buffer): void {
    if (kind === FrameKind.Compact) {
      this.#events.message(decodeCompact(body) as FromWorker);
    } else if (kind === FrameKind.Message) {
      this.#events.message(deserializeOwnBytes(nodeV8(), body) as FromWorker);
    } else if (kind === FrameKind.Started) {
      this.#started = body.readInt32LE(0);
    } else if (kind === FrameKind.Fatal) {
      const record = JSON.parse(body.toString('utf8')) as {
        name: string;
        message: string;
        stack?: string;
      };
      const error = new Error(record.message);
      error.name = record.name;
      if (record.stack !== undefined) error.stack = record.stack;
      this.#events.error(error);
    }
  }

  #write(message: ToWorker | ProcessSetup): void {
    // encode() throws here, in the caller, on a value it cannot clone.
    this.#writeEncoded(encode(message));
  }

  #writeEncoded(encoded: Uint8Array | Uint8Array[]): void {
    if (!this.#open || !this.#toChild.writable) return;
    if (Array.isArray(encoded)) for (const part of encoded) this.#toChild.write(part);
    else this.#toChild.write(encoded);
  }

  send(message: ToWorker): void {
    this.#write(message);
  }

  startedCount(): number {
    return this.#open && this.#progress !== undefined
      ? Math.max(this.#started, this.#progress.read())
      : this.#started;
  }

  stop(): void {
    this.#write({ x: 1 });
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  abandon(): void {
    // SIGKILL cannot be refused; only a process stuck in the kernel gets here.
    this.unref();
  }

  ref(): void {
    this.#child.ref();
    for (const handle of this.#handles()) handle.ref?.();
  }

  unref(): void {
    this.#child.unref();
    for (const handle of this.#handles()) handle.unref?.();
  }

  #handles(): Refable[] {
    const handles: Refable[] = [this.#fromChild as Refable, this.#toChild as Refable];
    if (this.#child.channel) handles.push(this.#child.channel as Refable);
    return handles;
  }
}

export class ProcessRuntime implements RuntimeAdapter {
  readonly name = 'process' as const;
  readonly #options: ProcessRuntimeOptions;

  constructor(options: ProcessRuntimeOptions) {
    this.#options = options;
  }

  spawn(setup: WorkerSetup, events: WorkerEvents): WorkerHandle {
    checkEntry(ENTRY_URL, 'process', import.meta.url);
    return new ProcessHandle(setup, events, this.#options);
  }
}
