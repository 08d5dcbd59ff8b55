import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from '../protocol.ts';
import { WorkerLoop } from './worker-loop.ts';

interface ThreadWorkerData extends WorkerSetup {
  /** Int32Array over a SharedArrayBuffer: [0] = jobs started. */
  progress: Int32Array;
}

const data = workerData as ThreadWorkerData;
const port = parentPort!;
(globalThis as { __concurWorker?: string }).__concurWorker = 'thread';

const loop = new WorkerLoop(
  {
    runtime: 'thread',
    post: (message: FromWorker) => port.postMessage(message),
    markStarted: (count) => Atomics.store(data.progress, 0, count),
  },
  data,
);
port.on('message', (message: ToWorker) => {
  if ('x' in message) {
    port.close();
    return;
  }
  loop.onMessage(message);
});
await loop.start(data);
