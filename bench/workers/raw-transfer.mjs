// The transfer scenario's floor: a bare worker that moves the array back with a transfer list.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (bytes) => {
  bytes[0] = (bytes[0] + 1) & 0xff;
  parentPort.postMessage(bytes, [bytes.buffer]);
});
