import type { Executor, Future } from '../../packages/concur/src/index.ts';
import { gate } from '../fixtures/suite-tasks.ts';
import { Scratch } from './gates.ts';

/** Options every executor accepts, so the suite can build variants of the one under test. */
export interface CommonOptions {
  maxQueue?: number;
}

export type ExecutorFactory = (options?: CommonOptions) => Executor;

export interface ExecutorTraits {
  /** Tasks that run at once in the factory's executor (workers x concurrency per worker). */
  capacity: number;
  /** Pools stop a running task by stopping its worker; in-process executors abort its signal. */
  runtime: 'in-process' | 'pool';
  /**
   * Items in the memory test's long map. @default 1_000_000
   * An executor that copies every item through another server (the queue: submitter,
   * Redis, worker, the worker's thread) may use fewer, as long as a map that read its
   * whole input up front still breaks the test's bounds: from 250,000 items of 200
   * characters it would retain ~65 MB of heap (limit 40 MB) and read 250,000 items
   * ahead (limit 16,385).
   */
  longMapItems?: number;
  /**
   * Tasks beyond `capacity` the executor may hand to its workers before a slot frees. They
   * count as started: cancel() no longer stops them, and a timeout or abort interrupts them
   * as running tasks. A queue worker holds as many jobs again as it has slots while jobs are
   * short (docs/queue.md). @default 0
   */
  heldAhead?: number;
}

export interface SuiteContext extends ExecutorTraits {
  label: string;
  factory: ExecutorFactory;
}

/**
 * Runs `body` with a fresh executor and scratch folder, then opens every gate and
 * shuts the executor down even if the body failed, so a failing test cannot hang the run.
 */
export async function withExecutor(
  ctx: SuiteContext,
  body: (ex: Executor, scratch: Scratch) => Promise<void>,
  options?: CommonOptions,
): Promise<void> {
  const scratch = new Scratch();
  const ex = ctx.factory(options);
  try {
    await body(ex, scratch);
  } finally {
    scratch.openAll();
    await ex.shutdown({ cancelPending: true });
    scratch[Symbol.dispose]();
  }
}

/** Submits `count` gated tasks named `block-<i>` and waits until all run: the executor is then full. */
export async function fillCapacity(
  ex: Executor,
  scratch: Scratch,
  count: number,
): Promise<Future<unknown>[]> {
  const futures: Future<unknown>[] = [];
  for (let i = 0; i < count; i++) futures.push(ex.submit(gate, scratch.path(`block-${i}`), i));
  for (let i = 0; i < count; i++) await scratch.started(`block-${i}`);
  return futures;
}

/**
 * Fills what the executor may hold beyond its capacity (see ExecutorTraits.heldAhead) with
 * gated tasks named `ahead-<i>`, after fillCapacity: the next task submitted stays queued.
 */
export function fillHeldAhead(
  ex: Executor,
  scratch: Scratch,
  ctx: SuiteContext,
): Future<unknown>[] {
  const futures: Future<unknown>[] = [];
  for (let i = 0; i < (ctx.heldAhead ?? 0); i++) {
    futures.push(ex.submit(gate, scratch.path(`ahead-${i}`), i));
  }
  return futures;
}

/** Opens the gates of fillCapacity's and fillHeldAhead's tasks. */
export function openAll(scratch: Scratch, ctx: SuiteContext): void {
  openBlocks(scratch, ctx.capacity);
  for (let i = 0; i < (ctx.heldAhead ?? 0); i++) scratch.open(`ahead-${i}`);
}

export function openBlocks(scratch: Scratch, count: number): void {
  for (let i = 0; i < count; i++) scratch.open(`block-${i}`);
}
