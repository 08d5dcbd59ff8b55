import { readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeError } from '../../errors/error-codec.ts';
import { safeText } from '../../errors/thrown-value.ts';
import { decodeCompact } from '../compact-codec.ts';
import { deserializeOwnBytes } from '../own-bytes.ts';
import {
  compactFrame,
  FrameKind,
  type FrameKindValue,
  FrameReader,
  frame,
  PipeFd,
} from '../pipe-frames.ts';
import { progressWriter } from '../progress-file.ts';
import type { FromWorker, ProcessSetup, ToWorker } from '../protocol.ts';
import { IdlePoller } from './idle-poller.ts';
import { watchParent } from './parent-watchdog.ts';
import { WorkerLoop } from './worker-loop.ts';

/** Our ends of the two pipes the parent opened. */
const FROM_PARENT = PipeFd.ToChild;
const TO_PARENT = PipeFd.FromChild;
/** Reads up to this size are copied out of the read buffer rather than handed on with it. */
const COPY_BELOW = 4096;

/**
 * The worker side of a child process: reads frames from the parent's pipe until told to
 * exit. A function rather than a script so that the build can put it into dist/core.js,
 * the one file a worker loads (see scripts/bundle-core.mjs); process-entry.ts calls it.
 */
export async function runProcessWorker(): Promise<void> {
  (globalThis as { __concurWorker?: string }).__concurWorker = 'process';
  // Loaded here rather than imported: node:v8 took ~1 ms of every worker thread's start
  // (Node 24), and only a process worker uses it.
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');

  const pause = new Int32Array(new SharedArrayBuffer(4));

  /** Writes all of `bytes`; the parent reads on its event loop, so a full pipe drains soon. */
  function writeAll(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      try {
        at += writeSync(TO_PARENT, bytes, at);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // The parent is gone: nobody can use what we would write.
        if (code === 'EPIPE') process.exit(0);
        if (code !== 'EAGAIN') throw error;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  }

  function writeFrame(kind: FrameKindValue, body: Uint8Array): void {
    for (const part of frame(kind, body)) writeAll(part);
  }

  // Report an uncaught error before dying, so the parent can give it as the cause of the crash.
  process.on('uncaughtException', (error: unknown) => {
    const encoded = encodeError(error);
    const record =
      encoded.__concurError === 1
        ? { name: encoded.name, message: encoded.message, stack: encoded.stack }
        : { name: 'Error', message: safeText(encoded.thrown) };
    try {
      writeFrame(FrameKind.Fatal, Buffer.from(JSON.stringify(record)));
    } catch {
      // The parent is gone; nobody to tell.
    }
    try {
      console.error(error);
    } catch {
      console.error(record.message);
    }
    process.exit(1);
  });

  // The parent is gone (it exited, or closed the channel): nothing can use our results.
  process.on('disconnect', () => process.exit(0));

  const started = Buffer.alloc(4);
  /** The count of jobs started, as a frame on the pipe. */
  function sendStarted(count: number): void {
    started.writeInt32LE(count, 0);
    writeFrame(FrameKind.Started, started);
  }
  let loop: WorkerLoop | undefined;
  let pollWhenDone = false;

  function onMessage(message: ToWorker | ProcessSetup): void {
    if ('setup' in message) {
      // A task busy on this thread would keep us from seeing the parent die: a second thread watches.
      watchParent(message.parent);
      loop = new WorkerLoop(
        {
          runtime: 'process',
          post: (m: FromWorker) => {
            const compact = compactFrame(m);
            if (compact === undefined) writeFrame(FrameKind.Message, v8.serialize(m));
            else writeAll(compact);
          },
          // A synchronous write: it reaches the file (or pipe) even if the next instruction kills us.
          markStarted:
            message.progress === undefined
              ? sendStarted
              : progressWriter(message.progress, sendStarted),
          idle: pollWhileIdle,
        },
        message.setup,
      );
      void loop.start(message.setup);
      return;
    }
    // The pool only stops a worker with nothing in flight.
    if ('x' in message) process.exit(0);
    loop?.onMessage(message);
  }

  const reader = new FrameReader((kind, body) => {
    if (kind === FrameKind.Compact) onMessage(decodeCompact(body) as ToWorker);
    else if (kind === FrameKind.Message)
      onMessage(deserializeOwnBytes(v8, body) as ToWorker | ProcessSetup);
  });

  /** Where the synchronous reads land; a small read is copied out, a large one handed on whole. */
  let spare = Buffer.allocUnsafe(64 * 1024);

  /** Reads what the pipe holds and handles its frames; false if it held nothing (EAGAIN). */
  function readPipe(): boolean {
    let n: number;
    try {
      n = readSync(FROM_PARENT, spare);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      throw error;
    }
    if (n === 0) process.exit(0);
    // A job is a few dozen bytes: copying them is cheaper than a new 64 KB buffer per
    // message, which also cost a GC of external memory now and then. Into a buffer of
    // their own, not Node's pool: the deserializer makes typed arrays that are views of
    // these bytes, and a view of the pool cannot be transferred (Node marks the pool
    // untransferable; from Node 24 its 64 KB pool takes reads this small).
    if (n <= COPY_BELOW) {
      const copy = Buffer.allocUnsafeSlow(n);
      spare.copy(copy, 0, 0, n);
      reader.push(copy);
    } else {
      const read = spare.subarray(0, n);
      spare = Buffer.allocUnsafe(spare.length);
      reader.push(read);
    }
    return true;
  }

  const poller = new IdlePoller(readPipe, () => loop?.idle === true);

  function pollWhileIdle(): void {
    // Called while a frame is being handled: poll once the frames already read are done.
    if (reader.busy) {
      pollWhenDone = true;
      return;
    }
    poller.poll();
  }

  // Likewise node:net, which brings streams with it (~1.2 ms).
  const { Socket } = createRequire(import.meta.url)('node:net') as typeof import('node:net');
  const input = new Socket({ fd: FROM_PARENT, readable: true, writable: false });
  input.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    if (pollWhenDone) {
      pollWhenDone = false;
      poller.poll();
    }
  });
  input.on('end', () => process.exit(0));
  // The parent wrote the setup before this process started: handle it now rather than a
  // turn of the event loop later. After the socket, so that a worker that cannot make one
  // (Node's --permission without --allow-net) dies before it says it is ready, and the pool
  // fails fast instead of starting it again and again. A pipe still empty (EAGAIN) leaves
  // the setup to the socket.
  while (loop === undefined && readPipe()) {}
}
