import fc from 'fast-check';
import type { Leave } from './helpers.ts';

export const leave: fc.Arbitrary<Leave> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('abort' as const), afterTicks: fc.nat(4) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timeout' as const), ms: fc.nat(3) }) },
);

/** A caller that starts after some turns of the loop, holds for some, and may leave early. */
export interface Worker {
  startTick: number;
  holdTicks: number;
  leave: Leave;
}

export const worker: fc.Arbitrary<Worker> = fc.record({
  startTick: fc.nat(6),
  holdTicks: fc.nat(3),
  leave,
});
