import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import {
  AsyncBarrier,
  AsyncCondition,
  AsyncEvent,
  BrokenBarrierError,
  LockNotHeldError,
  TimeoutError,
} from '../../packages/concur/src/index.ts';
import { leave } from './arbitraries.ts';
import { isLeaveError, ticks, waitOptions } from './helpers.ts';

const arrival = fc.record({ startTick: fc.nat(6), leave });

describe('AsyncBarrier (property)', () => {
  it('releases exactly `parties` waiters per round, with arrival indexes 0..parties-1', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(arrival, { maxLength: 14 }),
        async (parties, arrivals) => {
          const barrier = new AsyncBarrier(parties);
          const released: number[] = [];
          let left = 0;
          let broken = 0;
          const all = Promise.all(
            arrivals.map(async (a) => {
              await ticks(a.startTick);
              const { options, arm } = waitOptions(a.leave);
              arm();
              try {
                released.push(await barrier.wait(options));
              } catch (error) {
                if (error instanceof BrokenBarrierError) broken++;
                else {
                  assert.ok(isLeaveError(error), String(error));
                  left++;
                }
              }
            }),
          );
          await ticks(10);
          await sleep(5);
          const stillWaiting = barrier.nWaiting;
          assert.ok(stillWaiting < parties);
          barrier.reset();
          await all;
          assert.equal(broken, stillWaiting);
          assert.equal(released.length % parties, 0);
          assert.equal(released.length + left + broken, arrivals.length);
          // Each round's waiters resume together, in arrival order.
          const rounds = Array.from({ length: released.length / parties }, (_, r) =>
            released.slice(r * parties, (r + 1) * parties),
          );
          for (const round of rounds) assert.deepEqual(round, [...Array(parties).keys()]);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('AsyncBarrier', () => {
  it('abort breaks current and later waits until reset', async () => {
    const barrier = new AsyncBarrier(2);
    const first = barrier.wait();
    barrier.abort();
    await assert.rejects(first, BrokenBarrierError);
    await assert.rejects(barrier.wait(), /abort\(\) was called/);
    assert.equal(barrier.broken, true);
    barrier.reset();
    const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]);
    assert.deepEqual([a, b], [0, 1]);
  });
});

describe('AsyncEvent (property)', () => {
  it('wakes every waiter still waiting when set; leavers leave no trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { maxLength: 12 }), fc.nat(8), async (waiters, setAt) => {
        const event = new AsyncEvent();
        let woken = 0;
        let left = 0;
        const all = Promise.all(
          waiters.map(async (w) => {
            await ticks(w.startTick);
            const { options, arm } = waitOptions(w.leave);
            arm();
            try {
              await event.wait(options);
              assert.equal(event.isSet, true);
              woken++;
            } catch (error) {
              assert.ok(isLeaveError(error), String(error));
              left++;
            }
          }),
        );
        await ticks(setAt);
        event.set();
        await all;
        assert.equal(woken + left, waiters.length);
        assert.equal(event.waiting, 0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('AsyncCondition (property)', () => {
  it('consumers get every item exactly once, the lock never has two holders, with aborts and timeouts', async () => {
    const consumer = fc.record({ startTick: fc.nat(6), leave, holdTicks: fc.nat(2) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(6), { maxLength: 8 }),
        fc.array(consumer, { maxLength: 10 }),
        async (productionTicks, consumers) => {
          const cond = new AsyncCondition();
          const items: number[] = [];
          let done = false;
          const got: number[] = [];
          let holders = 0;
          const enter = () => {
            holders++;
            assert.equal(holders, 1, 'two holders of the condition lock');
          };
          const producers = productionTicks.map(async (t, i) => {
            await ticks(t);
            await cond.runExclusive(() => {
              enter();
              items.push(i);
              cond.notify();
              holders--;
            });
          });
          const consumers$ = consumers.map(async (c) => {
            await ticks(c.startTick);
            const { options, arm } = waitOptions(c.leave);
            await cond.runExclusive(async () => {
              enter();
              arm();
              holders--;
              try {
                await cond.waitFor(() => items.length > 0 || done, options);
                enter();
                if (items.length > 0) got.push(items.shift()!);
              } catch (error) {
                assert.ok(isLeaveError(error), String(error));
                // Even after leaving, the waiter holds the lock again.
                assert.equal(cond.locked, true);
                enter();
              }
              await ticks(c.holdTicks);
              holders--;
            });
          });
          await Promise.all(producers);
          await ticks(12);
          await sleep(5);
          // Whoever still waits has nothing left to take: wake them with the done flag.
          await cond.runExclusive(() => {
            done = true;
            cond.notifyAll();
          });
          await Promise.all(consumers$);
          assert.deepEqual(
            [...got, ...items].sort((a, b) => a - b),
            productionTicks.map((_, i) => i),
          );
          assert.equal(cond.locked, false);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('AsyncCondition', () => {
  it('wait and notify need the lock', async () => {
    const cond = new AsyncCondition();
    await assert.rejects(cond.wait(), LockNotHeldError);
    assert.throws(() => cond.notify(), LockNotHeldError);
  });

  it('a timed-out waiter re-takes the lock and does not use up a notification', async () => {
    const cond = new AsyncCondition();
    const timedOut = cond.runExclusive(() => cond.wait({ timeoutMs: 1 }));
    await assert.rejects(timedOut, TimeoutError);
    assert.equal(cond.locked, false);
    let woke = false;
    const waiter = cond.runExclusive(async () => {
      await cond.wait();
      woke = true;
    });
    await ticks(2);
    await cond.runExclusive(() => cond.notify());
    await waiter;
    assert.equal(woke, true);
  });
});
