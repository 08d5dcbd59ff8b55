import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from '../protocol.ts';
import { WorkerLoop } from './worker-loop.ts';

interface ThreadWorkerData extends WorkerSetup {
  /** Int32Array over a SharedArrayBuffer: [0] = jobs started. */
  progress: Int32Array;
}

const data = workerData as ThreadWorkerData;
const port = parentPort!;
(globalThis as { __concurWorker?: string }).__concurWorker = 'thread';

/**
 * How long an idle worker keeps polling its port before it sleeps until the next message
 * event. A thread woken from sleep by a message took ~150 us to answer on a 2-core VM, a
 * polling one answers at once; callers that submit their next task as soon as they get a
 * result are answered within the window. The cost: at most this much CPU per idle period.
 */
const POLL_MS = 0.1;
let polling = false;
let closed = false;

function onMessage(message: ToWorker): void {
  if ('x' in message) {
    closed = true;
    port.close();
    return;
  }
  loop.onMessage(message);
}

function pollWhileIdle(): void {
  if (polling || closed) return;
  polling = true;
  let until = performance.now() + POLL_MS;
  while (!closed && performance.now() < until) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) continue;
    onMessage(received.message as ToWorker);
    // An async task is running: its continuation needs the event loop.
    if (!loop.idle) break;
    until = performance.now() + POLL_MS;
  }
  polling = false;
}

const loop = new WorkerLoop(
  {
    runtime: 'thread',
    post: (message: FromWorker) => port.postMessage(message),
    markStarted: (count) => Atomics.store(data.progress, 0, count),
    idle: pollWhileIdle,
  },
  data,
);
port.on('message', onMessage);
await loop.start(data);
