import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { DownloadResult } from './download-result.ts';

// Node has no synchronous socket API, so a blocking GET is built the way synckit and
// make-synchronous do it: a helper thread performs the request while the calling thread
// sleeps in Atomics.wait. The caller's event loop is frozen for the whole request, exactly
// like Python's `requests` inside a coroutine, at well under a millisecond of overhead
// (spawning a process per request with execFileSync would add ~40 ms of startup noise).
const HELPER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
port.on('message', async (url) => {
  let bytes = 0;
  let error = null;
  try {
    const response = await fetch(url);
    if (response.body) for await (const chunk of response.body) bytes += chunk.byteLength;
    if (!response.ok) error = 'HTTP ' + response.status;
  } catch (e) {
    error = (e.cause && (e.cause.code || e.cause.message)) || String(e);
  }
  port.postMessage({ bytes, error });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

const TIMEOUT_MS = 60_000;

let helper: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;

function getHelper(): NonNullable<typeof helper> {
  if (helper !== undefined) return helper;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(HELPER, {
    eval: true,
    workerData: { port: port2, flag },
    transferList: [port2],
  });
  // The helper must not keep the process alive once the caller is done with it.
  worker.unref();
  port1.unref();
  helper = { worker, port: port1, flag };
  return helper;
}

/** GET `url` synchronously: returns only when the whole body has arrived. */
export function getSync(url: string): DownloadResult {
  const { port, flag } = getHelper();
  Atomics.store(flag, 0, 0);
  port.postMessage(url);
  if (Atomics.wait(flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
    return { bytes: 0, error: `no answer in ${TIMEOUT_MS} ms` };
  }
  const reply = receiveMessageOnPort(port);
  return (reply?.message as DownloadResult | undefined) ?? { bytes: 0, error: 'no reply' };
}
