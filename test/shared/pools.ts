import { readFileSync } from 'node:fs';
import {
  type PoolOptions,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type ThreadPoolOptions,
} from '../../packages/concur/src/index.ts';
import { add } from '../fixtures/suite-tasks.ts';

export interface PoolKind {
  name: 'thread' | 'process';
  create(
    options: PoolOptions & Pick<ThreadPoolOptions, 'resourceLimits'>,
  ): ThreadPoolExecutor | ProcessPoolExecutor;
}

export const POOLS: PoolKind[] = [
  { name: 'thread', create: (options) => new ThreadPoolExecutor(options) },
  {
    name: 'process',
    create: ({ resourceLimits: _, ...options }) => new ProcessPoolExecutor(options),
  },
];

/** The id a crashed task wrote before dying: its thread id for threads, its pid for processes. */
export function workerIdFrom(path: string, runtime: PoolKind['name']): number {
  const [pid, threadId] = readFileSync(path, 'utf8').split(' ').map(Number);
  return runtime === 'thread' ? threadId! : pid!;
}

/** Submits `n` small tasks at once and checks every one of them succeeds. */
export async function runMany(
  ex: ThreadPoolExecutor | ProcessPoolExecutor,
  n = 100,
): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => ex.submit(add, i, i)));
}
