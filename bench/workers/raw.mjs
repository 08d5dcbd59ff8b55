// The raw-Node baseline's worker, for a bare Worker and a bare fork alike: a message
// [id, name, arg] gets the reply [id, result]; a name 'map:inc' or 'map:score' means arg is a
// chunk of items and the reply carries the array of results.
import { parentPort } from 'node:worker_threads';
import { inc, score, search } from './tasks.mjs';

const tasks = { inc, score, search };

const port = parentPort ?? process;
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);

port.on('message', (message) => {
  const [id, name, arg] = message;
  if (name.startsWith('map:')) {
    const body = tasks[name.slice(4)];
    const out = new Array(arg.length);
    for (let i = 0; i < arg.length; i++) out[i] = body(arg[i]);
    send([id, out]);
  } else {
    send([id, tasks[name](arg)]);
  }
});
