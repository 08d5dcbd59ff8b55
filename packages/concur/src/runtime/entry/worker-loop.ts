import { encodeError, isEncodedError, textOnly } from '../../errors/error-codec.ts';
import { DataCloneError, PLAIN_DATA } from '../../errors/errors.ts';
import { thrownText } from '../../errors/thrown-value.ts';
import { ChunkFailure, JobMode } from '../../job/job.ts';
import { isThenable, runJob } from '../../job/run-job.ts';
import { trimPeriod } from '../../options/validate.ts';
import { watchParentEntry } from '../../task/program-rerun.ts';
import type { AnyTask } from '../../task/task.ts';
import { LazyTaskContext } from '../../task/task-context.ts';
import { releaseTransfers, takeTransfers } from '../../transfer/take-transfers.ts';
import { type Movable, marks } from '../../transfer/transfer-marks.ts';
import { loadTask } from '../load-task.ts';
import { packNumbers } from '../number-pack.ts';
import { type FromWorker, ResultStatus, type ToWorker, type WorkerSetup } from '../protocol.ts';
import type { RuntimeName, WireHost, WireRoute } from '../wire.ts';
import { isWired, needsWire, unwire, wire } from '../wire-walk.ts';

/** How a worker entry talks to its parent; one implementation per runtime. */
export interface WorkerTransport {
  readonly runtime: RuntimeName;
  /** Sends a message, moving `transfer` (threads) or copying it (processes); throws if it cannot be serialized. */
  post(message: FromWorker, transfer?: readonly Movable[]): void;
  /** Records that `count` jobs have started, where the parent can read it even if we die next. */
  markStarted(count: number): void;
  /** Every job sent so far has been answered. */
  idle?(): void;
}

type Loaded = AnyTask | { failed: unknown };
type TaskSlot = Loaded | Promise<Loaded>;

/** Encoded outcome of a chunk that failed at one item. */
export interface EncodedChunkFailure {
  chunkFailure: { index: number; values: unknown[]; error: unknown };
}

/**
 * The worker side of the pool, shared by thread and process entries: loads
 * tasks, runs jobs in arrival order with at most `concurrency` in flight, and
 * sends results back in batches.
 */
export class WorkerLoop implements WireHost {
  readonly runtime: RuntimeName;
  readonly #toParent: WireRoute;
  readonly #transport: WorkerTransport;
  readonly #concurrency: number;
  readonly #tasks = new Map<number, TaskSlot>();
  /** Tasks that have run here at least once. */
  readonly #warm = new WeakSet<AnyTask>();
  #jobs: unknown[] = [];
  #head = 0;
  #running = 0;
  #started = 0;
  #results: unknown[] = [];
  /** What transfer() marked in the results not sent yet, by job id. */
  #moves: Map<number, Movable[]> | undefined;
  #flushQueued = false;
  #waitingForLoad = false;
  #nextRequest = 1;
  readonly #requests = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  // Pool workers are stopped from outside rather than signalled, so one context serves every job.
  readonly #context = new LazyTaskContext();

  constructor(transport: WorkerTransport, setup: WorkerSetup) {
    this.runtime = transport.runtime;
    this.#toParent = { runtime: transport.runtime, toParent: true };
    this.#transport = transport;
    this.#concurrency = setup.concurrency;
    watchParentEntry(setup.entry, (path) => transport.post({ rerun: path }));
  }

  /** Runs the initializer, then tells the parent it is ready (or why it could not start). */
  async start(setup: WorkerSetup): Promise<void> {
    if (setup.initializer !== undefined) {
      try {
        const { url, name, args } = setup.initializer;
        const init = await loadTask(url, name);
        const list = isWired(args) ? await unwire(args, this) : args;
        await init.fn.apply(this.#context, list as unknown[]);
      } catch (error) {
        this.#transport.post({ fail: encodeError(error) });
        return;
      }
    }
    this.#transport.post({ ready: 1 });
  }

  onMessage(message: ToWorker): void {
    if ('j' in message) {
      if (message.d !== undefined) this.#define(message.d);
      if (this.#head === this.#jobs.length) {
        this.#jobs = message.j;
        this.#head = 0;
      } else {
        for (const item of message.j) this.#jobs.push(item);
      }
      this.#pump();
    } else if ('a' in message) {
      const pending = this.#requests.get(message.a);
      if (pending === undefined) return;
      this.#requests.delete(message.a);
      if (message.ok) pending.resolve(message.v);
      else pending.reject(message.v);
    }
  }

  request(channel: string, message: unknown): Promise<unknown> {
    const id = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
      this.#transport.post({ q: id, c: channel, m: message });
    });
  }

  #define(defs: unknown[]): void {
    for (let i = 0; i < defs.length; i += 3) {
      const ref = defs[i] as number;
      const loading = loadTask(defs[i + 1] as string, defs[i + 2] as string).then(
        (task) => task,
        (error: unknown) => ({ failed: error }),
      );
      this.#tasks.set(ref, loading);
      loading.then((loaded) => this.#tasks.set(ref, loaded));
    }
  }

  #pump(): void {
    const jobs = this.#jobs;
    while (this.#running < this.#concurrency && this.#head < jobs.length) {
      const slot = this.#tasks.get(jobs[this.#head + 1] as number);
      if (slot === undefined || isThenable(slot)) {
        // Keep arrival order: wait for this job's module before starting anything after it.
        if (!this.#waitingForLoad && slot !== undefined) {
          this.#waitingForLoad = true;
          // Importing the module is this job's first step: if the import kills the worker
          // (a module that calls process.exit), the job fails with the crash instead of
          // going back to the queue and killing every new worker in turn.
          this.#transport.markStarted(this.#started + 1);
          (slot as Promise<Loaded>).then(() => {
            this.#waitingForLoad = false;
            this.#pump();
          });
        }
        break;
      }
      const h = this.#head;
      const id = jobs[h] as number;
      const mode = jobs[h + 2] as JobMode;
      const payload = jobs[h + 3] as unknown[];
      jobs[h + 3] = undefined;
      this.#head = h + 4;
      this.#transport.markStarted(++this.#started);
      if ('failed' in slot) {
        this.#push(id, ResultStatus.Error, encodeError(slot.failed), 0);
        continue;
      }
      if (isWired(payload)) {
        this.#running++;
        unwire(payload, this).then(
          (args) => this.#runAsync(id, slot, mode, args as unknown[]),
          (error: unknown) => this.#settleAsync(id, ResultStatus.Error, encodeError(error), 0),
        );
        continue;
      }
      this.#run(id, slot, mode, payload);
    }
    if (this.#head === jobs.length && this.#head > 0) {
      this.#jobs = [];
      this.#head = 0;
    }
    this.#flushThenIdle();
  }

  /** No job running or waiting here. */
  get idle(): boolean {
    return this.#running === 0 && this.#head === this.#jobs.length;
  }

  #run(id: number, task: AnyTask, mode: JobMode, payload: unknown[]): void {
    // A task's first run in this worker also compiles it (0.12 ms for `x => x + 1`, against
    // 0.002 ms after): its time goes back negated, so the pool does not take it for the
    // task's usual cost (see protocol.ts).
    const first = !this.#warm.has(task);
    if (first) this.#warm.add(task);
    const t0 = performance.now();
    let value: unknown;
    let later: PromiseLike<unknown> | undefined;
    try {
      value = runJob(task, mode, payload, this.#context);
      // A thenable of the task's own making runs its code when we read or call `then`,
      // which may throw (or call back twice): a promise adopts it safely.
      if (isThenable(value)) later = value instanceof Promise ? value : Promise.resolve(value);
    } catch (error) {
      this.#push(id, ResultStatus.Error, encodeFailure(error), runMsSince(t0, first));
      return;
    }
    if (later !== undefined) {
      this.#running++;
      later.then(
        (v) => {
          if (marks.pending > 0) this.#takeMoves(id, v);
          this.#settleAsync(id, ...this.#packResult(mode, v), runMsSince(t0, first));
        },
        (error: unknown) =>
          this.#settleAsync(id, ResultStatus.Error, encodeFailure(error), runMsSince(t0, first)),
      );
    } else {
      if (marks.pending > 0) this.#takeMoves(id, value);
      this.#push(id, ...this.#packResult(mode, value), runMsSince(t0, first));
    }
  }

  /** The status and form a result travels in: numbers packed, primitives wired. */
  #packResult(mode: JobMode, value: unknown): [number, unknown] {
    // Most results are not objects: skip the search (and its list) for them.
    if (mode === JobMode.Call && (value === null || typeof value !== 'object')) {
      return [ResultStatus.Ok, value];
    }
    const list = mode === JobMode.Call ? [value] : (value as unknown[]);
    let wired: boolean;
    let packed: unknown;
    try {
      // Both read the result: a getter or a Proxy trap in it may throw. That fails this
      // task alone, as a result the channel refuses does; the worker and its other tasks go on.
      wired = needsWire(list);
      packed = wired || mode === JobMode.Call ? value : packNumbers(list);
    } catch (error) {
      return [ResultStatus.Error, this.#refused(error)];
    }
    if (wired) {
      try {
        const name = mode === JobMode.Call ? 'The return value' : 'The results';
        return [ResultStatus.Ok, wire(mode === JobMode.Call ? value : list, this.#toParent, name)];
      } catch (error) {
        return [ResultStatus.Error, encodeError(error)];
      }
    }
    return [ResultStatus.Ok, packed];
  }

  #runAsync(id: number, task: AnyTask, mode: JobMode, args: unknown[]): void {
    this.#running--;
    this.#run(id, task, mode, args);
    this.#pump();
  }

  #settleAsync(id: number, status: number, value: unknown, runMs: number): void {
    this.#running--;
    this.#push(id, status, value, runMs);
    if (this.#head < this.#jobs.length) this.#pump();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        this.#flushThenIdle();
      });
    }
  }

  /** Sends the results so far; if nothing is left to run, tells the transport (thread workers poll then). */
  #flushThenIdle(): void {
    this.#flush();
    if (this.idle) this.#transport.idle?.();
  }

  #takeMoves(id: number, value: unknown): void {
    const moved = takeTransfers(value);
    if (moved !== undefined) (this.#moves ??= new Map()).set(id, moved);
  }

  #push(id: number, status: number, value: unknown, runMs: number): void {
    this.#results.push(id, status, value, runMs);
  }

  #flush(): void {
    const results = this.#results;
    if (results.length === 0) return;
    this.#results = [];
    const moves = this.#moves;
    this.#moves = undefined;
    try {
      this.#transport.post(
        { r: results },
        moves === undefined ? undefined : [...moves.values()].flat(),
      );
    } catch {
      // One value could not be serialized: send results one by one and replace the bad ones.
      for (let i = 0; i < results.length; i += 4) {
        const one = results.slice(i, i + 4);
        try {
          this.#transport.post({ r: one }, moves?.get(one[0] as number));
        } catch (error) {
          this.#transport.post({
            r: [one[0], ResultStatus.Error, this.#unsendable(one, error), one[3]],
          });
        }
      }
    }
    if (moves !== undefined) for (const moved of moves.values()) releaseTransfers(moved);
  }

  /** What to send instead of a result the transport refused. */
  #unsendable(result: unknown[], error: unknown): unknown {
    const [, status, value] = result;
    // An error record that structured clone accepted but the channel did not: keep its text.
    if (status === ResultStatus.Error && isEncodedError(value)) return textOnly(value);
    return this.#refused(error);
  }

  /** The encoded DataCloneError of a return value that could not be read or sent. */
  #refused(error: unknown): unknown {
    return encodeError(
      new DataCloneError(
        `The return value of the task cannot be sent back from a ${this.runtime} worker: ${trimPeriod(thrownText(error))}. ` +
          `Return plain data (${PLAIN_DATA}).`,
        { cause: error },
      ),
    );
  }
}

/** The runMs a result carries: negative for a task's first run here (see protocol.ts). */
function runMsSince(t0: number, first: boolean): number {
  const ms = Math.max(performance.now() - t0, Number.MIN_VALUE);
  return first ? -ms : ms;
}

function encodeFailure(error: unknown): unknown {
  if (isChunkFailure(error)) {
    const failure: EncodedChunkFailure = {
      chunkFailure: { index: error.index, values: error.values, error: encodeError(error.error) },
    };
    return failure;
  }
  return encodeError(error);
}

/** `instanceof` runs a Proxy's getPrototypeOf trap, which may throw (a revoked Proxy always does). */
function isChunkFailure(error: unknown): error is ChunkFailure {
  try {
    return error instanceof ChunkFailure;
  } catch {
    return false;
  }
}
