import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbandonedMutexError,
  ThreadAtomicCounter,
  ThreadBarrier,
  ThreadEvent,
  ThreadMutex,
  ThreadPoolExecutor,
  ThreadSemaphore,
} from '../../packages/concur/src/index.ts';
import {
  dieHoldingBuffer,
  dieHoldingPermit,
  lockLoop,
  waitAtBarrier,
} from '../fixtures/sync-travel-tasks.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
after(() => pool.shutdown());

/** Waits (up to 20 s, checking every few ms) until `done()`; false if it never was. */
async function until(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 4_000; i++) {
    if (done()) return true;
    await sleep(5);
  }
  return done();
}

/** Takes the mutex, accepting one AbandonedMutexError first; false if it cannot be had. */
async function canTake(mutex: ThreadMutex): Promise<{ ok: boolean; reports: number }> {
  let reports = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      (await mutex.acquire({ timeoutMs: 10_000 })).release();
      return { ok: true, reports };
    } catch (error) {
      if (!(error instanceof AbandonedMutexError)) return { ok: false, reports };
      reports++;
    }
  }
  return { ok: false, reports };
}

describe('thread primitives whose holder is killed', () => {
  it('a ThreadMutex in a lock/unlock loop stopped 40 times at random points is never left locked by nobody', async () => {
    const mutex = new ThreadMutex();
    const loopReports = new ThreadAtomicCounter();
    let testReports = 0;
    for (let kill = 0; kill < 40; kill++) {
      const rounds = new ThreadAtomicCounter();
      const controller = new AbortController();
      const looping = pool.submitWith(lockLoop, [mutex, rounds, loopReports], {
        signal: controller.signal,
      });
      const target = 1 + Math.floor(Math.random() * 2_000);
      const ran = await until(() => rounds.value >= target || looping.done);
      if (looping.done) await looping; // a loop that failed says why
      assert.ok(ran, `the loop ran (${rounds.value} of ${target} rounds after kill ${kill})`);
      controller.abort();
      await assert.rejects(looping, { name: 'AbortError' });
      const { ok, reports } = await canTake(mutex);
      assert.ok(
        ok,
        `after kill ${kill + 1} the mutex could not be taken (state ${mutex.locked}, owner ${mutex.ownerId})`,
      );
      assert.ok(reports <= 1);
      testReports += reports;
    }
    // Each killed holder is reported once, to the test or to the next loop: never more.
    assert.ok(
      testReports + loopReports.value <= 40,
      `${testReports} + ${loopReports.value} reports`,
    );
  });

  it('a ThreadMutex rebuilt in the worker from its bare buffer is freed when that worker dies holding it', async () => {
    const mutex = new ThreadMutex();
    const locked = new ThreadEvent();
    const died = pool.submit(dieHoldingBuffer, { buffer: mutex.buffer }, locked);
    await locked.wait({ timeoutMs: 10_000 });
    await assert.rejects(died, { name: 'WorkerCrashedError' });
    await assert.rejects(mutex.acquire({ timeoutMs: 10_000 }), AbandonedMutexError);
    (await mutex.acquire({ timeoutMs: 10_000 })).release();
  });

  it('a ThreadSemaphore permit is not owned: a thread that dies holding one takes it with it', async () => {
    const sem = new ThreadSemaphore(1);
    await assert.rejects(pool.submit(dieHoldingPermit, sem), { name: 'WorkerCrashedError' });
    assert.equal(sem.value, 0);
  });

  it('a ThreadBarrier party whose worker is killed while waiting leaves the round', async () => {
    const barrier = new ThreadBarrier(3);
    const arrived = new ThreadAtomicCounter();
    const controller = new AbortController();
    const killed = pool.submitWith(waitAtBarrier, [barrier, arrived], {
      signal: controller.signal,
    });
    assert.ok(await until(() => barrier.nWaiting === 1));
    controller.abort();
    await assert.rejects(killed, { name: 'AbortError' });
    assert.ok(await until(() => barrier.nWaiting === 0), 'the dead party still counts');
    // Two live parties must not pass a barrier of 3: they time out and leave.
    const live = [1, 2].map(() => pool.submit(waitAtBarrier, barrier, arrived, 300));
    assert.deepEqual(await Promise.all(live), ['TimeoutError', 'TimeoutError']);
    assert.equal(barrier.nWaiting, 0);
  });
});
