// The raw-Node baseline's worker, for a bare Worker and a bare fork alike: a message
// [id, name, arg] gets the reply [id, result]; the name 'map:inc' means arg is a
// chunk of items and the reply carries the array of results.
import { parentPort } from 'node:worker_threads';
import { inc, search } from './tasks.mjs';

const tasks = { inc, search };

const port = parentPort ?? process;
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);

port.on('message', (message) => {
  const [id, name, arg] = message;
  if (name === 'map:inc') {
    const out = new Array(arg.length);
    for (let i = 0; i < arg.length; i++) out[i] = tasks.inc(arg[i]);
    send([id, out]);
  } else {
    send([id, tasks[name](arg)]);
  }
});
