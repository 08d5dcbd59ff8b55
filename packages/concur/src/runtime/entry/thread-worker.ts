import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from '../protocol.ts';
import { osThreadId } from '../thread-children.ts';
import { IdlePoller } from './idle-poller.ts';
import { WorkerLoop } from './worker-loop.ts';

interface ThreadWorkerData extends WorkerSetup {
  /** Int32Array over a SharedArrayBuffer: [0] = jobs started, [1] = this thread's kernel id. */
  progress: Int32Array;
}

/**
 * The worker side of a thread: answers the pool's messages until told to close. A function
 * rather than a script so that the build can put it into dist/core.js, the one file a
 * worker loads (see scripts/bundle-core.mjs); thread-entry.ts calls it.
 */
export async function runThreadWorker(): Promise<void> {
  const data = workerData as ThreadWorkerData;
  const port = parentPort!;
  (globalThis as { __concurWorker?: string }).__concurWorker = 'thread';
  Atomics.store(data.progress, 1, osThreadId());

  let closed = false;

  function onMessage(message: ToWorker): void {
    if ('x' in message) {
      closed = true;
      port.close();
      return;
    }
    loop.onMessage(message);
  }

  const poller = new IdlePoller(
    () => {
      const received = receiveMessageOnPort(port);
      if (received === undefined) return false;
      onMessage(received.message as ToWorker);
      return true;
    },
    () => !closed && loop.idle,
  );

  const loop = new WorkerLoop(
    {
      runtime: 'thread',
      post: (message: FromWorker, transfer) => port.postMessage(message, transfer),
      markStarted: (count) => Atomics.store(data.progress, 0, count),
      idle: () => poller.poll(),
    },
    data,
  );
  port.on('message', onMessage);
  await loop.start(data);
}
