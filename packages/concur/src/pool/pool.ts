import { decodeError, type EncodedError } from '../errors/error-codec.ts';
import { type Job, JobState } from '../job/job.ts';
import { JobQueue } from '../job/job-queue.ts';
import { initArgsRefused } from '../runtime/init-args-refused.ts';
import {
  type FromWorker,
  forEachResult,
  ResultStatus,
  type WorkerSetup,
} from '../runtime/protocol.ts';
import type { RuntimeAdapter } from '../runtime/runtime.ts';
import {
  handleChannelRequest,
  notifyWorkerExit,
  type WireHost,
  type WireTarget,
} from '../runtime/wire.ts';
import { isWired, needsWire, unwireSync, wire as wireValue } from '../runtime/wire-walk.ts';
import { programEntry, warnProgramRerun } from '../task/program-rerun.ts';
import { fails } from './clone-check.ts';
import { JobSender } from './job-sender.ts';
import type { PoolCallbacks } from './pool-callbacks.ts';
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

export type { PoolCallbacks } from './pool-callbacks.ts';

/** Jobs averaging more than this are sent one at a time per free slot, so none waits behind a long one. */
const LONG_JOB_MS = 1;
/**
 * Most jobs queued ahead in one worker when jobs are tiny: enough to hide a round trip, few
 * enough to balance (about LONG_JOB_MS of work each). 1,024 rather than 256: a burst of
 * 20,000 x `x + 1` on 2 threads went from 133-145 to 119-125 ms (bench/profile.mjs a thread).
 */
const MAX_WINDOW = 1024;

/** Results are decoded in the pool's own thread, where every concur codec is loaded. */
const PARENT: WireHost = {
  runtime: 'parent',
  request: () => Promise.reject(new Error('the parent has no parent to ask')),
};

/**
 * The scheduler behind ThreadPoolExecutor and ProcessPoolExecutor: one FIFO queue,
 * workers started on demand up to maxWorkers, jobs sent in batches, and a worker's
 * death failing only the jobs it had started.
 *
 * Every worker counts against maxWorkers from its start to its exit, including one
 * being stopped: a thread blocked in a synchronous call cannot be terminated until the
 * call returns, and starting a replacement for each such thread let a pool of 2 reach 6.
 */
export class Pool {
  readonly #runtime: RuntimeAdapter;
  readonly #options: ResolvedPoolOptions;
  readonly #callbacks: PoolCallbacks;
  readonly #queue = new JobQueue();
  readonly #sender: JobSender;
  readonly #slots = new Set<WorkerSlot>();
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
  /** The last worker to start died before it was ready: minWorkers are not kept up. */
  #startFailed = false;
  /** initArgs, encoded once for every worker. */
  readonly #initArgs: unknown;

  constructor(runtime: RuntimeAdapter, options: ResolvedPoolOptions, callbacks: PoolCallbacks) {
    this.#runtime = runtime;
    this.#options = options;
    this.#callbacks = callbacks;
    this.#sender = new JobSender(runtime.name, this.#queue, callbacks, options.maxTasksPerWorker);
    // Refused here, at construction, rather than by every worker at start; reading them
    // may throw (a getter, a Proxy trap).
    try {
      this.#initArgs = needsWire(options.initArgs)
        ? wireValue(options.initArgs, { runtime: runtime.name, toParent: false }, 'initArgs')
        : options.initArgs;
    } catch (error) {
      throw initArgsRefused(runtime.name, error, true);
    }
    // Refused now rather than at the first submit: one copy made and dropped. None is
    // needed without initArgs (node:v8 would load for nothing, ~2 ms of a process pool's start).
    const refused = options.initArgs.length === 0 ? undefined : fails(this.#initArgs, runtime.name);
    if (refused !== undefined) throw initArgsRefused(runtime.name, refused.thrown);
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
    for (const slot of this.#slots) if (slot.inflightCount > 0) busy++;
    return busy;
  }

  /** Workers alive, those being stopped included. */
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
      slot.forget(job);
      if (!slot.stopping) slot.kill(reason);
    }
    this.#callbacks.rejected(job, reason);
  }

  drained(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops every worker and resolves once each has exited, or been abandoned: a worker
   * still alive KILL_GRACE_MS after it was killed (see WorkerSlot) is not waited for.
   */
  close(force: boolean): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots) {
      if (slot.abandoned) continue;
      // Keep the program alive until every worker has really exited.
      slot.ref();
      if (force || !slot.ready) {
        if (!slot.stopping) slot.kill();
      } else {
        slot.stop();
      }
    }
    if (this.#allGone()) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  /** Tasks that could start now without waiting: idle places in live workers and workers not yet started. */
  get freeCapacity(): number {
    const c = this.#options.concurrencyPerWorker;
    let free = 0;
    for (const slot of this.#slots) if (slot.open) free += Math.max(0, c - slot.inflightCount);
    return free + (this.#closed ? 0 : Math.max(0, this.#options.maxWorkers - this.#slots.size) * c);
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
    for (const slot of this.#slots) {
      if (slot.retiring || slot.stopping) continue;
      if (!slot.ready) {
        free += c;
        continue;
      }
      if (slot.inflightCount < c && this.#queue.size > 0) this.#fill(slot, c);
      free += Math.max(0, c - slot.inflightCount);
    }
    // Workers being stopped count too: maxWorkers caps the threads or processes alive.
    for (
      let alive = this.#slots.size;
      this.#queue.size > free && alive < this.#options.maxWorkers && !this.#closed;
      alive++
    ) {
      this.#spawn();
      free += c;
    }
    // Then, for tiny tasks only, queue more inside each worker to hide the round trip.
    if (!readAhead) return;
    const window = this.#window();
    if (window <= c || this.#queue.size <= free) return;
    for (const slot of this.#slots) {
      if (!slot.open || slot.inflightCount >= window) continue;
      this.#fill(slot, window);
      if (this.#queue.size === 0) return;
    }
  }

  #fill(slot: WorkerSlot, window: number): void {
    if (this.#sender.fill(slot, window)) this.#dispatch();
  }

  // ---- workers -------------------------------------------------------------------------

  #spawn(): void {
    const init = this.#options.initializer;
    const setup: WorkerSetup = {
      concurrency: this.#options.concurrencyPerWorker,
      entry: programEntry(),
      initializer:
        init === undefined
          ? undefined
          : { url: init.moduleUrl, name: init.taskName, args: this.#initArgs },
    };
    let slot: WorkerSlot;
    try {
      slot = new WorkerSlot(
        (self) =>
          this.#runtime.spawn(setup, {
            message: (message) => this.#onMessage(self, message),
            error: (error) => self.noteError(error),
            exit: (code, signal) => this.#onExit(self, code, signal),
          }),
        () => this.#onAbandon(),
      );
    } catch (error) {
      // No worker can start (its entry file is missing): every queued call fails with why.
      this.#failQueue(error as Error);
      return;
    }
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

  #target(slot: WorkerSlot): WireTarget {
    return { runtime: this.#runtime.name, workerId: slot.handle.id };
  }

  #onMessage(slot: WorkerSlot, message: FromWorker): void {
    if ('r' in message) {
      this.#onResults(slot, message.r);
    } else if ('ready' in message) {
      slot.markReady();
      this.#startFailed = false;
      this.#dispatch();
      this.#afterWork(slot);
    } else if ('q' in message) {
      handleChannelRequest(message.c, message.m, this.#target(slot)).then(
        (v) => slot.handle.send({ a: message.q, ok: true, v }),
        (error: unknown) => slot.handle.send({ a: message.q, ok: false, v: error }),
      );
    } else if ('rerun' in message) {
      warnProgramRerun(message.rerun);
    } else if ('fail' in message) {
      // The initializer threw: every worker would fail the same way, so fail the queue instead of respawning.
      this.#startFailed = true;
      slot.kill();
      const exit = { ...this.#target(slot), exitCode: null, signal: null };
      this.#failQueue(initializerCrash(exit, decodeError(message.fail as EncodedError)));
    }
  }

  #onResults(slot: WorkerSlot, results: unknown[]): void {
    const callbacks = this.#callbacks;
    forEachResult(results, (id, status, value, wireMs) => {
      const job = slot.answer(id);
      if (job === undefined) return;
      let runMs = wireMs;
      if (runMs < 0) {
        runMs = -runMs;
        job.firstRun = true;
      }
      job.runMs = runMs;
      this.#runTime.add(runMs, job.firstRun);
      if (status !== ResultStatus.Ok) callbacks.rejected(job, decodeFailure(value));
      else if (!isWired(value)) callbacks.fulfilled(job, value);
      else {
        let decoded: unknown;
        try {
          decoded = unwireSync(value, PARENT);
        } catch (error) {
          callbacks.rejected(job, error);
          return;
        }
        callbacks.fulfilled(job, decoded);
      }
    });
    this.#dispatch(true);
    this.#afterWork(slot);
  }

  /** After a worker answered: retire it, let it idle, or time it out. */
  #afterWork(slot: WorkerSlot): void {
    if (slot.inflightCount > 0 || slot.stopping) return;
    if (slot.retiring) {
      slot.stop();
      if (this.#queue.size > 0) this.#dispatch();
      return;
    }
    const { idleTimeoutMs, minWorkers } = this.#options;
    if (Number.isFinite(idleTimeoutMs) && !slot.idleArmed && this.#slots.size > minWorkers) {
      slot.armIdle(idleTimeoutMs, () => {
        if (slot.inflightCount === 0 && this.#slots.size > minWorkers) slot.stop();
      });
    }
    this.#checkIdle();
  }

  #onExit(slot: WorkerSlot, exitCode: number | null, signal: string | null): void {
    this.#slots.delete(slot);
    slot.exited();
    const exit: WorkerExit = { ...this.#target(slot), exitCode, signal };
    notifyWorkerExit(this.#target(slot));
    const jobs = slot.takeUnanswered();
    const failedToStart = !slot.ready && !slot.stopping;
    if (failedToStart) {
      // Died before it could take work (bad execArgv, out of memory at start): fail the queue, no respawn loop.
      this.#failQueue(startupCrash(exit, slot.lastError));
      this.#startFailed = true;
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
      this.#checkAllGone();
      return;
    }
    this.#dispatch();
    // minWorkers are kept up only while workers can start: after a failed start, the next
    // one starts for a task, which fails at once if it cannot (no loop of starts in the
    // background); the first worker that gets ready brings minWorkers back.
    let open = 0;
    for (const s of this.#slots) if (!s.retiring && !s.stopping) open++;
    for (
      ;
      !this.#startFailed &&
      open < this.#options.minWorkers &&
      this.#slots.size < this.#options.maxWorkers;
      open++
    )
      this.#spawn();
    this.#checkIdle();
  }

  /** A worker outlived kill(): once closed, the pool stops waiting for it. */
  #onAbandon(): void {
    if (this.#closed) this.#checkAllGone();
  }

  #allGone(): boolean {
    for (const slot of this.#slots) if (!slot.abandoned) return false;
    return true;
  }

  #checkAllGone(): void {
    if (!this.#allGone()) return;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    const waiters = this.#exitWaiters;
    this.#exitWaiters = [];
    for (const resolve of waiters) resolve();
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
    for (const slot of this.#slots) if (slot.inflightCount > 0) return false;
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
