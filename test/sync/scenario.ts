import assert from 'node:assert/strict';
import type { Worker } from './arbitraries.ts';
import { isLeaveError, ticks, waitOptions } from './helpers.ts';

export interface Acquirable {
  acquire(options: object): Promise<{ release(): void }>;
}

/**
 * Runs the generated workers against `primitive` and checks, while they run, that no
 * more than `limit` hold it, and that waiters get it in the order they asked.
 */
export async function runScenario(
  primitive: Acquirable,
  limit: number,
  workers: Worker[],
  fifo = true,
): Promise<{ acquired: number; left: number }> {
  let holders = 0;
  let acquired = 0;
  let left = 0;
  let asked = 0;
  const grantOrder: number[] = [];
  await Promise.all(
    workers.map(async (w) => {
      await ticks(w.startTick);
      const { options, arm } = waitOptions(w.leave);
      arm();
      const ticket = asked++;
      let held: { release(): void };
      try {
        held = await primitive.acquire(options);
      } catch (error) {
        assert.ok(isLeaveError(error), String(error));
        left++;
        return;
      }
      grantOrder.push(ticket);
      acquired++;
      holders++;
      assert.ok(holders <= limit, `${holders} holders for a limit of ${limit}`);
      await ticks(w.holdTicks);
      holders--;
      held.release();
    }),
  );
  // Waiters are served in the order they asked, so the grants come in ticket order.
  if (fifo)
    assert.deepEqual(
      grantOrder,
      [...grantOrder].sort((a, b) => a - b),
    );
  return { acquired, left };
}
