import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const script = fileURLToPath(new URL('../workers/raw.mjs', import.meta.url));
/** Items per message in the baseline's map, and chunks in flight per worker. */
const MAP_CHUNK = 8192;
const MAP_WINDOW = 2;

export const name = 'raw';
export const runtimes = ['thread', 'process'];

/**
 * The floor a pool library stands on: bare `Worker` + `postMessage` or bare `fork` +
 * `send`, round-robin, one message per task, no queue, no error handling.
 */
export function create(poolSize, runtime) {
  const pending = new Map();
  let nextId = 0;
  let turn = 0;
  const onMessage = (message) => {
    const resolve = pending.get(message[0]);
    pending.delete(message[0]);
    resolve(message[1]);
  };
  const workers = [];
  for (let i = 0; i < poolSize; i++) {
    if (runtime === 'thread') {
      const worker = new Worker(script);
      worker.on('message', onMessage);
      workers.push({ send: (m) => worker.postMessage(m), stop: () => worker.terminate() });
    } else {
      const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', onMessage);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      workers.push({
        send: (m) => child.send(m),
        stop: () => {
          child.kill();
          return exited;
        },
      });
    }
  }
  const call = (task, arg) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      workers[turn].send([id, task, arg]);
      turn = (turn + 1) % workers.length;
    });

  async function* map(task, items) {
    const inFlight = [];
    let offset = 0;
    while (offset < items.length || inFlight.length > 0) {
      while (offset < items.length && inFlight.length < poolSize * MAP_WINDOW) {
        inFlight.push(call(`map:${task}`, items.slice(offset, offset + MAP_CHUNK)));
        offset += MAP_CHUNK;
      }
      const results = await inFlight.shift();
      for (let i = 0; i < results.length; i++) yield results[i];
    }
  }

  return {
    run: call,
    map,
    destroy: () => Promise.all(workers.map((w) => w.stop())),
  };
}
