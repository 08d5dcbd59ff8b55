// The worker side of the pools, driven directly through a fake transport.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobMode } from '../packages/concur/src/job/job.ts';
import { WorkerLoop } from '../packages/concur/src/runtime/entry/worker-loop.ts';
import type { FromWorker } from '../packages/concur/src/runtime/protocol.ts';
import { add, inc, sleep } from './fixtures/tasks.ts';

function startLoop() {
  const results: unknown[][] = [];
  let ready = false;
  const loop = new WorkerLoop(
    {
      runtime: 'thread',
      post: (message: FromWorker) => {
        if ('r' in message) results.push(message.r);
        if ('ready' in message) ready = true;
      },
      markStarted: () => {},
    },
    { concurrency: 4, initializer: undefined },
  );
  return { loop, results, isReady: () => ready };
}

/** Waits until `count` results have come back, and returns them as [id, runMs] pairs. */
async function collect(results: unknown[][], count: number): Promise<[number, number][]> {
  for (let i = 0; i < 500; i++) {
    const flat = results.flat();
    if (flat.length >= count * 4) {
      const out: [number, number][] = [];
      for (let j = 0; j < flat.length; j += 4) out.push([flat[j] as number, flat[j + 3] as number]);
      return out;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`only ${results.flat().length / 4} of ${count} results came back`);
}

describe('worker loop', () => {
  it("marks each task's first run in the worker (it includes compiling it) with a negative runMs", async () => {
    const { loop, results, isReady } = startLoop();
    await loop.start({ concurrency: 4, initializer: undefined });
    assert.ok(isReady());
    loop.onMessage({
      d: [1, inc.moduleUrl, inc.taskName, 2, add.moduleUrl, add.taskName],
      j: [10, 1, JobMode.Call, [1], 11, 1, JobMode.Call, [2], 12, 2, JobMode.Call, [1, 2]],
    });
    loop.onMessage({ j: [13, 2, JobMode.Call, [3, 4]] });
    const runs = new Map(await collect(results, 4));
    assert.ok((runs.get(10) as number) < 0, 'first inc');
    assert.ok((runs.get(11) as number) > 0, 'second inc');
    assert.ok((runs.get(12) as number) < 0, 'first add');
    assert.ok((runs.get(13) as number) > 0, 'second add');
  });

  it('marks the first run of an async task too', async () => {
    const { loop, results } = startLoop();
    await loop.start({ concurrency: 4, initializer: undefined });
    loop.onMessage({
      d: [1, sleep.moduleUrl, sleep.taskName],
      j: [20, 1, JobMode.Call, [1, 'a']],
    });
    const [[id, ms]] = (await collect(results, 1)) as [[number, number]];
    assert.equal(id, 20);
    assert.ok(ms < 0);
    loop.onMessage({ j: [21, 1, JobMode.Call, [1, 'b']] });
    const second = await collect(results, 2);
    assert.ok((second[1] as [number, number])[1] > 0);
  });
});
