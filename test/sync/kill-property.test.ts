import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AbandonedMutexError,
  ProcessLock,
  ProcessPoolExecutor,
  ProcessSemaphore,
  ThreadAtomicCounter,
  ThreadMutex,
  ThreadPoolExecutor,
  ThreadSemaphore,
  TimeoutError,
} from '../../packages/concur/src/index.ts';
import { type Fate, processStep, threadStep } from '../fixtures/sync-kill-tasks.ts';

const dir = mkdtempSync(join(tmpdir(), 'concur-kill-'));
const threads = new ThreadPoolExecutor({ maxWorkers: 3 });
const processes = new ProcessPoolExecutor({ maxWorkers: 2 });
after(async () => {
  await Promise.all([threads.shutdown(), processes.shutdown()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Step {
  runtime: 'thread' | 'process';
  blocking: boolean;
  holdMs: number;
  fate: Fate;
  /** Stop the task after this long (a kill at a random point), if set. */
  timeoutMs: number | undefined;
}

const step: fc.Arbitrary<Step> = fc
  .record({
    runtime: fc.constantFrom('thread' as const, 'process' as const),
    blocking: fc.boolean(),
    holdMs: fc.nat(4),
    fate: fc.constantFrom<Fate>('release', 'release', 'release', 'exit', 'hang', 'sigkill'),
    timeoutMs: fc.option(fc.integer({ min: 1, max: 150 }), { nil: undefined }),
  })
  .map((s) => ({
    ...s,
    fate: s.runtime === 'thread' && s.fate === 'sigkill' ? ('exit' as const) : s.fate,
    // A step that hangs holding is ended by its timeout.
    timeoutMs: s.fate === 'hang' ? (s.timeoutMs ?? 100) : s.timeoutMs,
  }));

/** Takes `mutex` from the main thread, accepting one AbandonedMutexError first (and repairing). */
async function takeFromMain(acquire: () => Promise<{ release(): void }>, repair: () => void) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await acquire();
    } catch (error) {
      if (!(error instanceof AbandonedMutexError)) throw error;
      repair();
    }
  }
  assert.fail('told of an abandonment twice in a row');
}

/** Replays the ledger: nobody enters while another holds, unless told of its death in between. */
function checkLedger(lines: string[]): { reports: number } {
  let holder: string | undefined;
  let reports = 0;
  for (const line of lines) {
    if (line === 'R') {
      reports++;
      holder = undefined;
    } else if (line.startsWith('+')) {
      assert.equal(
        holder,
        undefined,
        `${line} entered while ${holder} held the lock: ${lines.join(' ')}`,
      );
      holder = line.slice(1);
    } else {
      assert.equal(holder, line.slice(1), `${line} left a lock it did not hold`);
      holder = undefined;
    }
  }
  return { reports };
}

describe('sync primitives under kills (property)', () => {
  it('random schedules of thread and process tasks killed at random points keep every invariant', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 8 }), async (steps) => {
        const shared = {
          mutex: new ThreadMutex(),
          sem: new ThreadSemaphore(2),
          inside: new Int32Array(new SharedArrayBuffer(8)),
          violations: new ThreadAtomicCounter(),
          reports: new ThreadAtomicCounter(),
        };
        const lock = new ProcessLock();
        const permits = new ProcessSemaphore(2);
        const ledger = join(dir, `ledger-${run++}.txt`);
        writeFileSync(ledger, '');
        const futures = steps.map((s) => {
          const options = s.timeoutMs === undefined ? {} : { timeoutMs: s.timeoutMs };
          return s.runtime === 'thread'
            ? threads.submitWith(threadStep, [shared, s.blocking, s.holdMs, s.fate], options)
            : processes.submitWith(processStep, [lock, permits, ledger, s.holdMs, s.fate], options);
        });
        // Every waiter settles: each task ends, by itself or by being stopped.
        const outcomes = await Promise.allSettled(futures);
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') {
            assert.ok(
              outcome.value === 'done' || outcome.value === 'no permit left',
              `a task waited in vain: ${outcome.value}`,
            );
          } else {
            assert.match(String(outcome.reason?.name), /^(TimeoutError|WorkerCrashedError)$/);
          }
        }
        const dead = outcomes.filter((o) => o.status === 'rejected').length;

        // Mutual exclusion held, and abandonments were reported exactly once (a lost report
        // would have let the next holder in over the dead one's mark; a second one would have
        // cleared a live holder's mark).
        const mainHeld = await takeFromMain(
          () => shared.mutex.acquire({ timeoutMs: 10_000 }),
          () => {
            shared.reports.increment();
            Atomics.store(shared.inside, 0, 0);
          },
        );
        assert.equal(Atomics.load(shared.inside, 0), 0, "a holder's death went unreported");
        mainHeld.release();
        assert.equal(shared.violations.value, 0);
        assert.ok(
          shared.reports.value <= dead,
          `${shared.reports.value} reports for ${dead} deaths`,
        );

        // Thread permits: none invented; lost only to threads that died (the documented rule).
        assert.ok(shared.sem.value <= 2, `${shared.sem.value} permits of 2`);
        assert.ok(shared.sem.value >= 2 - dead);

        // Process lock: exclusion and reports from the ledger; then free for the parent.
        const main = await takeFromMain(
          () => lock.acquire({ timeoutMs: 10_000 }),
          () => writeFileSync(ledger, 'R\n', { flag: 'a' }),
        );
        checkLedger(readFileSync(ledger, 'utf8').split('\n').filter(Boolean));
        main.release();
        // Process permits: a dead process's permits come back, so exactly 2, no more.
        const both = [
          await permits.acquire({ timeoutMs: 10_000 }),
          await permits.acquire({ timeoutMs: 10_000 }),
        ];
        await assert.rejects(permits.acquire({ timeoutMs: 0 }), TimeoutError);
        for (const p of both) p.release();
      }),
      { numRuns: 6 },
    );
  });
});
