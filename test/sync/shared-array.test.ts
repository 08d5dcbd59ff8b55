import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isShared,
  ProcessPoolExecutor,
  SequentialExecutor,
  sharedArray,
  ThreadPoolExecutor,
} from '../../packages/concur/src/index.ts';
import { sumArray } from '../fixtures/sync-tasks.ts';

describe('sharedArray', () => {
  it('copies a number[] into a Float64Array over a SharedArrayBuffer, and keeps a typed array type', () => {
    const a = sharedArray([1, 2.5, -3]);
    assert.ok(a instanceof Float64Array);
    assert.ok(isShared(a));
    assert.deepEqual([...a], [1, 2.5, -3]);
    const b = sharedArray(Int32Array.of(7, 8));
    assert.ok(b instanceof Int32Array && isShared(b));
    assert.deepEqual([...b], [7, 8]);
    assert.throws(() => sharedArray([1, 'x'] as never), /Expected `source\[1\]` to be a number/);
    assert.throws(() => sharedArray({} as never), /Expected `source`/);
  });

  it('reaches thread tasks as the same memory (a write in the worker shows in the parent)', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const values = sharedArray(Int32Array.from({ length: 1000 }, (_, i) => i));
    const result = await pool.submit(sumArray, values, -1);
    assert.deepEqual(result, { sum: 499_500, shared: true });
    assert.equal(values[0], -1);
  });

  it('is copied into each process task (a child process cannot share memory)', async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const values = sharedArray([1, 2, 3]);
    const result = await pool.submit(sumArray, values, 100);
    assert.deepEqual(result, { sum: 6, shared: false });
    assert.equal(values[0], 1);
  });

  it('runs unchanged under in-process executors', async () => {
    await using ex = new SequentialExecutor();
    assert.deepEqual(await ex.submit(sumArray, sharedArray([4, 5])), { sum: 9, shared: true });
  });
});
