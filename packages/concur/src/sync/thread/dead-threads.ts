import { onWorkerExit, type WireTarget } from '../../runtime/wire.ts';

/** Frees what thread `dead` (its id + 1, as stored in shared memory) held in `buffer`. */
export type FreeDead = (buffer: SharedArrayBuffer, dead: number) => void;

interface Watched {
  readonly ref: WeakRef<SharedArrayBuffer>;
  readonly free: FreeDead;
}

// Every owned thread primitive built in this thread, however it got here (made here,
// attached to a `.buffer`, or arrived inside a task's value): when a worker thread of a
// pool in this thread exits, each one frees what that thread held. Weak: a primitive
// this thread no longer references must not be kept alive by having once been seen.
const watched = new Set<Watched>();
const seen = new WeakSet<SharedArrayBuffer>();
const gone = new FinalizationRegistry<Watched>((entry) => watched.delete(entry));
let listening = false;

export function watchForDeadThreads(buffer: SharedArrayBuffer, free: FreeDead): void {
  if (seen.has(buffer)) return;
  seen.add(buffer);
  const entry: Watched = { ref: new WeakRef(buffer), free };
  watched.add(entry);
  gone.register(buffer, entry);
  if (listening) return;
  listening = true;
  onWorkerExit(sweep);
}

function sweep(worker: WireTarget): void {
  if (worker.runtime !== 'thread') return;
  const dead = worker.workerId + 1;
  for (const entry of watched) {
    const buffer = entry.ref.deref();
    if (buffer === undefined) watched.delete(entry);
    else entry.free(buffer, dead);
  }
}
