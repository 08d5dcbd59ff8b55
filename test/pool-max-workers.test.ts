import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AbortError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
} from '../packages/concur/src/index.ts';
import { loopForever, sleepInExecSync } from './fixtures/blocking-tasks.ts';

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Samples liveWorkers on every tick until stopped; returns the highest value seen. */
function watchLiveWorkers(ex: { stats(): { liveWorkers: number } }): () => number {
  let max = 0;
  const sample = () => {
    max = Math.max(max, ex.stats().liveWorkers);
  };
  const timer = setInterval(sample, 1);
  return () => {
    clearInterval(timer);
    sample();
    return max;
  };
}

describe('maxWorkers caps the workers alive, those being stopped included', () => {
  it('threads blocked in execSync: stopping them does not start workers past the cap, and shutdown() does not wait for them', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-blocked-'));
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const stopWatching = watchLiveWorkers(ex);
    try {
      const paths = Array.from({ length: 4 }, (_, i) => join(dir, `call-${i}`));
      for (const path of paths) {
        // Stopped once it is blocked (a timeout would often fire while the worker starts).
        const stop = new AbortController();
        const future = ex.submitWith(sleepInExecSync, [path, 600], { signal: stop.signal });
        await until(() => existsSync(`${path}.pid`) || future.done);
        stop.abort();
        await assert.rejects(future, AbortError);
        assert.ok(
          ex.stats().liveWorkers <= 2,
          `liveWorkers ${ex.stats().liveWorkers} after a stop`,
        );
      }
      // Would wait for the 600 s sleeps (the test's timeout) if it waited on blocked threads.
      await ex.shutdown();
      assert.ok(stopWatching() <= 2, 'never more than maxWorkers alive');
      const started = paths.filter((path) => existsSync(`${path}.pid`));
      assert.ok(started.length >= 2, 'the blocking calls did start');
      for (const path of started) {
        const pid = Number(readFileSync(`${path}.pid`, 'utf8'));
        // SIGKILL is delivered asynchronously: an existence check with a deadline.
        if (process.platform === 'linux') await until(() => !alive(pid), 10_000);
        assert.equal(existsSync(`${path}.done`), false);
      }
    } finally {
      stopWatching();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, create] of [
    ['thread', () => new ThreadPoolExecutor({ maxWorkers: 2 })],
    ['process', () => new ProcessPoolExecutor({ maxWorkers: 2 })],
  ] as const) {
    it(`${name} pool: a storm of timeouts never has more than maxWorkers alive`, async () => {
      const ex = create();
      const stopWatching = watchLiveWorkers(ex);
      try {
        // Each round's tasks time out while running (or while queued, when the workers are
        // still starting); the next round is submitted while the killed workers exit.
        let max = 0;
        for (let round = 0; round < 10; round++) {
          const futures = [1, 2].map(() => ex.submitWith(loopForever, [], { timeoutMs: 30 }));
          await new Promise((resolve) => setImmediate(resolve));
          max = Math.max(max, ex.stats().liveWorkers);
          for (const future of futures) await assert.rejects(future, TimeoutError);
        }
        assert.ok(max <= 2, `liveWorkers reached ${max} right after a submit`);
        assert.ok(stopWatching() <= 2, 'never more than maxWorkers alive');
      } finally {
        stopWatching();
        await ex.shutdown();
      }
    });
  }
});
