import { writeSync } from 'node:fs';
import type { FromWorker, ToWorker, WorkerSetup } from '../protocol.ts';
import { WorkerLoop } from './worker-loop.ts';

/** File descriptor of the progress pipe the parent opened for us (see process-runtime.ts). */
const PROGRESS_FD = 3;

(globalThis as { __concurWorker?: string }).__concurWorker = 'process';
const send = process.send!.bind(process);
const progress = Buffer.alloc(4);

let loop: WorkerLoop | undefined;

// Report an uncaught error on the progress pipe before dying, so the parent can give it
// as the cause of the crash (a negative length announces a JSON record).
process.on('uncaughtException', (error: unknown) => {
  const record = Buffer.from(
    JSON.stringify(
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : { name: 'Error', message: String(error) },
    ),
  );
  const header = Buffer.alloc(4);
  header.writeInt32LE(-record.length, 0);
  try {
    writeSync(PROGRESS_FD, Buffer.concat([header, record]));
  } catch {
    // The parent is gone; nobody to tell.
  }
  console.error(error);
  process.exit(1);
});

// The parent is gone (it exited, or closed the channel to stop us): nothing can use our results.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToWorker | { setup: WorkerSetup }) => {
  if ('setup' in message) {
    loop = new WorkerLoop(
      {
        runtime: 'process',
        post: (m: FromWorker) => {
          send(m);
        },
        // A synchronous write: it reaches the pipe even if the next instruction kills us.
        markStarted: (count) => {
          progress.writeInt32LE(count, 0);
          writeSync(PROGRESS_FD, progress);
        },
      },
      message.setup,
    );
    void loop.start(message.setup);
    return;
  }
  if ('x' in message) {
    // Not process.disconnect(): on Node 20 it can crash inside the IPC code while a
    // message is being handled. The pool only stops a worker with nothing in flight.
    process.exit(0);
  }
  loop?.onMessage(message);
});
