import { decodeError, type EncodedError } from '../errors/error-codec.ts';
import { DataCloneError } from '../errors/errors.ts';
import { type Job, JobMode, JobState } from '../job/job.ts';
import { JobQueue } from '../job/job-queue.ts';
import { packNumbers } from '../runtime/number-pack.ts';
import { type FromWorker, ResultStatus, type WorkerSetup } from '../runtime/protocol.ts';
import type { RuntimeAdapter } from '../runtime/runtime.ts';
import {
  encodeArgs,
  handleChannelRequest,
  hasWireValue,
  notifyWorkerExit,
  type WireTarget,
} from '../runtime/wire.ts';
import type { AnyTask } from '../task/task.ts';
import { describeCloneFailure } from './clone-check.ts';
import type { ResolvedPoolOptions } from './pool-options.ts';
import { RunTimeEstimate } from './run-time-estimate.ts';
import {
  decodeFailure,
  initializerCrash,
  sortOutUnanswered,
  startupCrash,
  type WorkerExit,
} from './worker-exit.ts';
import { WorkerSlot } from './worker-slot.ts';

/** How the pool reports job progress to its executor. */
export interface PoolCallbacks {
  started(job: Job): void;
  fulfilled(job: Job, value: unknown): void;
  rejected(job: Job, error: unknown): void;
}

/** Jobs averaging more than this are sent one at a time per free slot, so none waits behind a long one. */
const LONG_JOB_MS = 1;
/**
 * Most jobs queued ahead in one worker when jobs are tiny: enough to hide a round trip, few
 * enough to balance (about LONG_JOB_MS of work each). 1,024 rather than 256: a burst of
 * 20,000 x `x + 1` on 2 threads went from 133-145 to 119-125 ms (bench/profile.mjs a thread).
 */
const MAX_WINDOW = 1024;
/** A worker asked to stop that has not exited after this long is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * The scheduler behind ThreadPoolExecutor and ProcessPoolExecutor: one FIFO queue,
 * workers started on demand up to maxWorkers, jobs sent in batches, and a worker's
 * death failing only the jobs it had started.
 */
export class Pool {
  readonly #runtime: RuntimeAdapter;
  readonly #options: ResolvedPoolOptions;
  readonly #callbacks: PoolCallbacks;
  readonly #queue = new JobQueue();
  readonly #slots = new Set<WorkerSlot>();
  readonly #taskRefs = new Map<AnyTask, number>();
  #nextRef = 1;
  #dispatchQueued = false;
  readonly #runTime = new RunTimeEstimate(LONG_JOB_MS);
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  #exitWaiters: (() => void)[] = [];
  /**
   * Workers stay unref'd for their whole life; this one timer keeps the program alive
   * while any job is queued or running. Toggling a timer's ref is cheap, while
   * ref/unref on a worker per task added about 40 us to every round trip (measured).
   */
  #keepAlive: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(runtime: RuntimeAdapter, options: ResolvedPoolOptions, callbacks: PoolCallbacks) {
    this.#runtime = runtime;
    this.#options = options;
    this.#callbacks = callbacks;
    for (let i = 0; i < options.minWorkers; i++) this.#spawn();
  }

  get capacity(): number {
    return this.#options.maxWorkers * this.#options.concurrencyPerWorker;
  }

  get queued(): number {
    return this.#queue.size;
  }

  get busyWorkers(): number {
    let busy = 0;
    for (const slot of this.#slots) if (slot.inflight.size > 0) busy++;
    return busy;
  }

  get liveWorkers(): number {
    return this.#slots.size;
  }

  enqueue(job: Job): void {
    this.#queue.push(job);
    if (!this.#busy) this.#setBusy(true);
    if (!this.#dispatchQueued) {
      this.#dispatchQueued = true;
      // A microtask lets a burst of submits in one tick go out as one message per worker.
      queueMicrotask(() => {
        this.#dispatchQueued = false;
        this.#dispatch();
      });
    }
  }

  dequeue(_job: Job): void {
    this.#queue.forget();
  }

  takeQueued(): Job[] {
    return this.#queue.drain();
  }

  /** Stops a running job by stopping its worker; the worker's other started jobs fail with it. */
  interrupt(job: Job, reason: Error): void {
    const slot = job.owner as WorkerSlot | undefined;
    if (slot !== undefined) {
      slot.inflight.delete(job.id);
      if (!slot.stopping) {
        slot.stopping = true;
        slot.killReason = reason;
        slot.handle.kill();
      }
    }
    this.#callbacks.rejected(job, reason);
  }

  drained(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(force: boolean): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots) {
      // Keep the program alive until every worker has really exited.
      slot.ref();
      this.#stopSlot(slot, force);
    }
    if (this.#slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  // ---- dispatch ------------------------------------------------------------------------

  #window(): number {
    const c = this.#options.concurrencyPerWorker;
    const ms = this.#runTime.ms;
    if (ms < 0 || ms >= LONG_JOB_MS) return c;
    return Math.min(MAX_WINDOW, c * Math.max(2, Math.ceil(LONG_JOB_MS / Math.max(ms, 0.001))));
  }

  /**
   * Hands queued jobs to workers. `readAhead` (only after results came back) also queues
   * tiny jobs ahead inside workers. Not on submit: the run time measured so far may be of
   * other work. Reading ahead 16 searches of 50 ms each right after 16 warm-up searches of
   * 0.1 ms once gave one of two workers 13 of them (speedup 1.13x instead of ~1.8x); the
   * first result of the long ones now comes back before anything is queued ahead.
   */
  #dispatch(readAhead = false): void {
    if (this.#queue.size === 0) {
      this.#checkIdle();
      return;
    }
    const c = this.#options.concurrencyPerWorker;
    // First every worker up to its concurrency, so no task waits inside a busy worker
    // while another worker idles or is starting.
    let free = 0;
    let live = 0;
    for (const slot of this.#slots) {
      if (slot.retiring || slot.stopping) continue;
      live++;
      if (!slot.ready) {
        free += c;
        continue;
      }
      if (slot.inflight.size < c && this.#queue.size > 0) this.#fill(slot, c);
      free += Math.max(0, c - slot.inflight.size);
    }
    while (this.#queue.size > free && live < this.#options.maxWorkers && !this.#closed) {
      this.#spawn();
      live++;
      free += c;
    }
    // Then, for tiny tasks only, queue more inside each worker to hide the round trip.
    if (!readAhead) return;
    const window = this.#window();
    if (window <= c || this.#queue.size <= free) return;
    for (const slot of this.#slots) {
      if (!slot.ready || slot.retiring || slot.stopping || slot.inflight.size >= window) continue;
      this.#fill(slot, window);
      if (this.#queue.size === 0) return;
    }
  }

  /** Tasks that could start now without waiting: idle places in live workers and workers not yet started. */
  get freeCapacity(): number {
    const c = this.#options.concurrencyPerWorker;
    let free = 0;
    let live = 0;
    for (const slot of this.#slots) {
      if (slot.retiring || slot.stopping) continue;
      live++;
      free += Math.max(0, c - slot.inflight.size);
    }
    return free + (this.#closed ? 0 : Math.max(0, this.#options.maxWorkers - live) * c);
  }

  #refFor(task: AnyTask): number {
    let ref = this.#taskRefs.get(task);
    if (ref === undefined) {
      ref = this.#nextRef++;
      this.#taskRefs.set(task, ref);
    }
    return ref;
  }

  #fill(slot: WorkerSlot, window: number): void {
    const batch: Job[] = [];
    const wire: unknown[] = [];
    let defs: unknown[] | undefined;
    const target: WireTarget = { runtime: this.#runtime.name, workerId: slot.handle.id };
    const maxTasks = this.#options.maxTasksPerWorker;
    while (slot.inflight.size + batch.length < window && slot.sent + batch.length < maxTasks) {
      const job = this.#queue.shift();
      if (job === undefined) break;
      let payload = job.payload;
      if (job.mode === JobMode.Call && hasWireValue(payload)) {
        try {
          payload = encodeArgs(payload, target);
        } catch (error) {
          this.#callbacks.started(job);
          this.#callbacks.rejected(job, error);
          continue;
        }
      }
      const ref = this.#refFor(job.task);
      if (!slot.knownRefs.has(ref)) {
        slot.knownRefs.add(ref);
        defs ??= [];
        defs.push(ref, job.task.moduleUrl, job.task.taskName);
      }
      batch.push(job);
      wire.push(
        job.id,
        ref,
        job.mode,
        job.mode === JobMode.MapChunk ? packNumbers(payload) : payload,
      );
    }
    if (batch.length === 0) return;
    try {
      slot.handle.send(defs === undefined ? { j: wire } : { d: defs, j: wire });
    } catch (error) {
      if (defs !== undefined)
        for (let i = 0; i < defs.length; i += 3) slot.knownRefs.delete(defs[i] as number);
      this.#sendOneByOne(slot, batch, wire, error);
      return;
    }
    for (const job of batch) this.#track(slot, job);
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (slot.sent >= maxTasks) slot.retiring = true;
  }

  #track(slot: WorkerSlot, job: Job): void {
    job.owner = slot;
    slot.inflight.set(job.id, job);
    slot.sendOrder.set(job, slot.sent++);
    this.#callbacks.started(job);
  }

  // A batch failed to serialize: find the job(s) at fault and send the rest.
  #sendOneByOne(slot: WorkerSlot, batch: Job[], wire: unknown[], batchError: unknown): void {
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i]!;
      const ref = wire[i * 4 + 1] as number;
      const defs = slot.knownRefs.has(ref)
        ? undefined
        : [ref, job.task.moduleUrl, job.task.taskName];
      const one = wire.slice(i * 4, i * 4 + 4);
      try {
        slot.handle.send(defs === undefined ? { j: one } : { d: defs, j: one });
        slot.knownRefs.add(ref);
        this.#track(slot, job);
      } catch (error) {
        this.#callbacks.started(job);
        this.#callbacks.rejected(
          job,
          new DataCloneError(describeCloneFailure(job, this.#runtime.name, error ?? batchError), {
            cause: error,
          }),
        );
      }
    }
    this.#dispatch();
  }

  // ---- workers -------------------------------------------------------------------------

  #spawn(): void {
    const slot = new WorkerSlot();
    const init = this.#options.initializer;
    const setup: WorkerSetup = {
      concurrency: this.#options.concurrencyPerWorker,
      initializer:
        init === undefined
          ? undefined
          : { url: init.moduleUrl, name: init.taskName, args: this.#options.initArgs },
    };
    slot.handle = this.#runtime.spawn(setup, {
      message: (message) => this.#onMessage(slot, message),
      error: (error) => {
        slot.lastError = error;
      },
      exit: (code, signal) => this.#onExit(slot, code, signal),
    });
    slot.unref();
    this.#slots.add(slot);
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    if (busy) {
      this.#keepAlive ??= setInterval(() => {}, 1 << 30);
      this.#keepAlive.ref();
    } else {
      this.#keepAlive?.unref();
    }
  }

  #onMessage(slot: WorkerSlot, message: FromWorker): void {
    if ('r' in message) {
      this.#onResults(slot, message.r);
    } else if ('ready' in message) {
      slot.ready = true;
      this.#dispatch();
      this.#afterWork(slot);
    } else if ('q' in message) {
      const target: WireTarget = { runtime: this.#runtime.name, workerId: slot.handle.id };
      handleChannelRequest(message.c, message.m, target).then(
        (v) => slot.handle.send({ a: message.q, ok: true, v }),
        (error: unknown) => slot.handle.send({ a: message.q, ok: false, v: error }),
      );
    } else if ('fail' in message) {
      // The initializer threw: every worker would fail the same way, so fail the queue instead of respawning.
      slot.stopping = true;
      slot.handle.kill();
      this.#failQueue(
        initializerCrash(
          { runtime: this.#runtime.name, workerId: slot.handle.id, exitCode: null, signal: null },
          decodeError(message.fail as EncodedError),
        ),
      );
    }
  }

  #onResults(slot: WorkerSlot, results: unknown[]): void {
    const callbacks = this.#callbacks;
    for (let i = 0; i < results.length; i += 4) {
      const job = slot.inflight.get(results[i] as number);
      if (job === undefined) continue;
      slot.inflight.delete(job.id);
      slot.sendOrder.delete(job);
      let runMs = results[i + 3] as number;
      if (runMs < 0) {
        runMs = -runMs;
        job.firstRun = true;
      }
      job.runMs = runMs;
      this.#runTime.add(runMs, job.firstRun);
      if (results[i + 1] === ResultStatus.Ok) callbacks.fulfilled(job, results[i + 2]);
      else callbacks.rejected(job, decodeFailure(results[i + 2]));
    }
    this.#dispatch(true);
    this.#afterWork(slot);
  }

  /** After a worker answered: retire it, let it idle, or time it out. */
  #afterWork(slot: WorkerSlot): void {
    if (slot.inflight.size > 0 || slot.stopping) return;
    if (slot.retiring) {
      this.#stopSlot(slot, false);
      if (this.#queue.size > 0) this.#dispatch();
      return;
    }
    const { idleTimeoutMs, minWorkers } = this.#options;
    if (
      Number.isFinite(idleTimeoutMs) &&
      slot.idleTimer === undefined &&
      this.#slots.size > minWorkers
    ) {
      slot.idleTimer = setTimeout(() => {
        slot.idleTimer = undefined;
        if (slot.inflight.size === 0 && this.#slots.size > minWorkers) this.#stopSlot(slot, false);
      }, idleTimeoutMs);
      slot.idleTimer.unref();
    }
    this.#checkIdle();
  }

  #stopSlot(slot: WorkerSlot, force: boolean): void {
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    if (force || !slot.ready) {
      slot.stopping = true;
      slot.handle.kill();
      return;
    }
    if (slot.stopping) return;
    slot.stopping = true;
    slot.handle.stop();
    const timer = setTimeout(() => slot.handle.kill(), STOP_GRACE_MS);
    timer.unref();
  }

  #onExit(slot: WorkerSlot, exitCode: number | null, signal: string | null): void {
    this.#slots.delete(slot);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    const runtime = this.#runtime.name;
    const workerId = slot.handle.id;
    notifyWorkerExit({ runtime, workerId });
    const jobs = [...slot.inflight.values()].sort(
      (a, b) => slot.sendOrder.get(a)! - slot.sendOrder.get(b)!,
    );
    slot.inflight.clear();
    const exit: WorkerExit = { runtime, workerId, exitCode, signal };
    if (!slot.ready && !slot.stopping) {
      // Died before it could take work (bad execArgv, out of memory at start): fail the queue, no respawn loop.
      this.#failQueue(startupCrash(exit, slot.lastError));
    }
    const { crashed, requeue } = sortOutUnanswered(slot, jobs, exit);
    for (const [job, error] of crashed) this.#callbacks.rejected(job, error);
    for (let i = requeue.length - 1; i >= 0; i--) {
      const job = requeue[i]!;
      job.state = JobState.Queued;
      job.owner = undefined;
      this.#queue.unshift(job);
    }
    if (this.#closed) {
      if (this.#slots.size === 0) {
        if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
        const waiters = this.#exitWaiters;
        this.#exitWaiters = [];
        for (const resolve of waiters) resolve();
      }
      return;
    }
    this.#dispatch();
    let live = 0;
    for (const s of this.#slots) if (!s.retiring && !s.stopping) live++;
    for (; live < this.#options.minWorkers; live++) this.#spawn();
    this.#checkIdle();
  }

  #failQueue(error: Error): void {
    for (const job of this.#queue.drain()) {
      this.#callbacks.started(job);
      this.#callbacks.rejected(job, error);
    }
    this.#checkIdle();
  }

  #isIdle(): boolean {
    if (this.#queue.size > 0) return false;
    for (const slot of this.#slots) if (slot.inflight.size > 0) return false;
    return true;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    if (this.#busy) this.#setBusy(false);
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
