import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  DataCloneError,
  ProcessLock,
  ProcessPoolExecutor,
  ThreadEvent,
  ThreadMutex,
  ThreadPoolExecutor,
} from '../../packages/concur/src/index.ts';
import { echo } from '../fixtures/suite-tasks.ts';
import {
  bumpInBox,
  keepInitEvent,
  makeHeldMutex,
  setInitEvent,
  useNestedProcessLock,
} from '../fixtures/sync-travel-tasks.ts';

const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
after(() => Promise.all([threads.shutdown(), processes.shutdown()]));

function box(mutex: ThreadMutex, cell: Int32Array) {
  return { deep: { mutex }, cell };
}

describe('primitives travel wherever a value can', () => {
  it('nested in an object, and back as part of the result', async () => {
    const mutex = new ThreadMutex({ name: 'box' });
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const back = await threads.submit(bumpInBox, box(mutex, cell));
    assert.equal(cell[0], 1);
    assert.ok(back.deep.mutex instanceof ThreadMutex);
    assert.equal(back.deep.mutex.name, 'box');
    // The mutex that came back is the same lock: holding it here keeps a worker out.
    const held = await back.deep.mutex.acquire();
    assert.equal(mutex.ownerId, 0);
    held.release();
  });

  it('in map and starmap items', async () => {
    const mutex = new ThreadMutex();
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const items = Array.from({ length: 20 }, () => box(mutex, cell));
    let n = 0;
    for await (const out of threads.map(bumpInBox, items, { chunksize: 5 })) {
      assert.ok(out.deep.mutex instanceof ThreadMutex);
      n++;
    }
    for await (const _ of threads.starmap(
      bumpInBox,
      items.map((b) => [b] as [typeof b]),
    ))
      n++;
    assert.equal(n, 40);
    assert.equal(cell[0], 40);
  });

  it('in initArgs', async () => {
    const event = new ThreadEvent();
    const pool = new ThreadPoolExecutor({
      maxWorkers: 1,
      initializer: keepInitEvent,
      initArgs: [{ event }],
    });
    try {
      assert.equal(await pool.submit(setInitEvent), 'function');
      assert.equal(event.isSet, true);
    } finally {
      await pool.shutdown();
    }
  });

  it('a mutex made and held in a worker comes back as the same lock', async () => {
    const { mutex, threadId } = await threads.submit(makeHeldMutex);
    assert.ok(mutex instanceof ThreadMutex);
    assert.equal(mutex.ownerId, threadId);
    assert.equal(mutex.name, 'made in a worker');
  });

  it('a ProcessLock nested in an object reaches a process task, and comes back as the same lock', async () => {
    const lock = new ProcessLock({ name: 'ledger' });
    const { lock: back, pid } = await processes.submit(useNestedProcessLock, { locks: [lock] });
    assert.notEqual(pid, process.pid);
    assert.ok(back instanceof ProcessLock);
    assert.equal(back.name, 'ledger');
    const held = await back.acquire();
    await assert.rejects(lock.acquire({ timeoutMs: 20 }), { name: 'TimeoutError' });
    held.release();
    (await lock.acquire({ timeoutMs: 10_000 })).release();
  });

  it('a thread primitive at any depth is refused by a process task with DataCloneError', async () => {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const nested = box(new ThreadMutex(), cell);
    const check = (error: unknown) => {
      assert.ok(error instanceof DataCloneError);
      assert.match(error.message, /ThreadMutex/);
      assert.match(error.message, /ProcessLock/);
      return true;
    };
    await assert.rejects(processes.submit(bumpInBox, nested), (error: unknown) => {
      check(error);
      assert.match(
        (error as Error).message,
        /^args\[0\]\.deep\.mutex cannot be sent to a process worker/,
      );
      return true;
    });
    await assert.rejects(async () => {
      for await (const _ of processes.map(bumpInBox, [nested])) {
        // nothing: the first chunk fails
      }
    }, check);
    assert.throws(
      () =>
        new ProcessPoolExecutor({
          maxWorkers: 1,
          initializer: keepInitEvent,
          initArgs: [{ event: new ThreadEvent() }],
        }),
      (error: unknown) => {
        assert.ok(error instanceof DataCloneError);
        assert.match((error as Error).message, /^initArgs\[0\]\.event cannot be sent/);
        return true;
      },
    );
  });

  it('the search for primitives reads no key: a Map keyed by a null-prototype object goes and comes back', async () => {
    // String(key) throws for such a key; the search used to build a path from it and
    // crashed the whole program from inside the pool's dispatch.
    const key = Object.assign(Object.create(null) as object, { k: 1 });
    for (const pool of [threads, processes]) {
      const back = (await pool.submit(echo, new Map([[key, 'value']]))) as Map<object, string>;
      assert.deepEqual([...back.values()], ['value'], pool.constructor.name);
    }
  });
});
