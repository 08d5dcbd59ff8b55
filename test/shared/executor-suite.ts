import { describe } from 'node:test';
import type { ExecutorFactory, ExecutorTraits } from './suite-context.ts';
import { futureTests } from './suite-futures.ts';
import { lifecycleTests } from './suite-lifecycle.ts';
import { mapTests } from './suite-map.ts';
import { memoryTests } from './suite-memory.ts';
import { submitTests } from './suite-submit.ts';

export type { CommonOptions, ExecutorFactory, ExecutorTraits } from './suite-context.ts';

/**
 * The one behaviour suite every executor must pass, so any behaviour that differs
 * between sequential code, coroutines, threads and processes shows up as a failure.
 * `factory` must build an executor whose capacity is `traits.capacity`, honouring
 * the common options it is given (`maxQueue`).
 */
export function executorSuite(
  label: string,
  factory: ExecutorFactory,
  traits: ExecutorTraits,
): void {
  const ctx = { label, factory, ...traits };
  describe(`${label} executor`, () => {
    submitTests(ctx);
    mapTests(ctx);
    futureTests(ctx);
    lifecycleTests(ctx);
    memoryTests(ctx);
  });
}
