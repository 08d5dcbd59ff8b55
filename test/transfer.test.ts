import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import {
  ExecutorShutdownError,
  ProcessPoolExecutor,
  SequentialExecutor,
  ThreadPoolExecutor,
  TransferError,
  transfer,
  WorkerCrashedError,
} from '../packages/concur/src/index.ts';
import { exitInTask } from './fixtures/crash-tasks.ts';
import { gate } from './fixtures/suite-tasks.ts';
import {
  addAndReturn,
  addAndReturnLater,
  answerOnPort,
  inspectBytes,
  inspectNested,
  keptLengths,
  makeBytes,
  returnShared,
} from './fixtures/transfer-tasks.ts';
import { Scratch } from './shared/gates.ts';

const filled = (size: number, value: number) => new Uint8Array(size).fill(value);

describe('transfer() with worker threads', () => {
  it('moves a typed array in the arguments: the sender keeps a detached, empty view', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const bytes = filled(1024, 3);
    const seen = await ex.submit(inspectBytes, transfer(bytes));
    assert.deepEqual(seen, { byteLength: 1024, bufferLength: 1024, sum: 3 * 1024 });
    assert.equal(bytes.byteLength, 0);
    assert.equal(bytes.buffer.byteLength, 0);
  });

  it('copies when nothing is marked: the sender keeps its bytes', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const bytes = filled(1024, 3);
    assert.equal((await ex.submit(inspectBytes, bytes)).sum, 3 * 1024);
    assert.equal(bytes.byteLength, 1024);
  });

  it('finds marks anywhere in the arguments: arrays, objects, Maps, and views sharing a buffer', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const shared = new ArrayBuffer(8);
    const low = new Uint8Array(shared, 0, 4).fill(1);
    const high = new Uint8Array(shared, 4, 4).fill(2);
    const inner = filled(16, 5).buffer;
    const mapped = filled(2, 9);
    const copied = filled(4, 7);
    const seen = await ex.submit(inspectNested, {
      list: [transfer(low), transfer(high), copied],
      byName: { inner: transfer(inner) },
      map: new Map([['m', transfer(mapped)]]),
    });
    assert.deepEqual(
      seen.list.map((s) => s.sum),
      [4, 8, 28],
    );
    assert.equal(seen.inner.sum, 80);
    assert.equal(seen.map[0]!.sum, 18);
    assert.equal(shared.byteLength, 0);
    assert.equal(inner.byteLength, 0);
    assert.equal(mapped.byteLength, 0);
    assert.equal(copied.byteLength, 4, 'an unmarked array is copied');
  });

  it("moves a task's result back, from sync and async tasks, and the worker's copy is gone", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const out = await ex.submit(addAndReturn, transfer(filled(100, 1)), 2);
    assert.equal(out.length, 100);
    assert.equal(out.bytes[99], 3);
    const [later] = await ex.submit(addAndReturnLater, transfer(filled(10, 1)), 5);
    assert.equal(later![9], 6);
    assert.deepEqual(await ex.submit(keptLengths), [0, 0]);
    // Without the mark the result is copied and the worker keeps its own.
    const { bytes } = await ex.submit(addAndReturn, filled(4, 0), 1);
    assert.deepEqual([...bytes], [1, 1, 1, 1]);
  });

  it('moves results out of map chunks', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const sizes: number[] = [];
    for await (const bytes of ex.map(makeBytes, [3, 5, 7], { chunksize: 3 }))
      sizes.push(bytes.byteLength);
    assert.deepEqual(sizes, [3, 5, 7]);
    assert.deepEqual(await ex.submit(keptLengths), [0, 0, 0]);
  });

  it('moves map items marked with transfer()', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const items = [filled(4, 1), filled(4, 2)];
    const sums: number[] = [];
    for await (const seen of ex.map(
      inspectBytes,
      items.map((bytes) => transfer(bytes)),
    ))
      sums.push(seen.sum);
    assert.deepEqual(sums, [4, 8]);
    assert.deepEqual(
      items.map((bytes) => bytes.byteLength),
      [0, 0],
    );
  });

  it('moves a MessagePort: the task answers on it', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const { port1, port2 } = new MessageChannel();
    const message = once(port1, 'message');
    assert.equal(await ex.submit(answerOnPort, transfer(port2)), 'sent');
    assert.deepEqual(await message, ['hello from the worker']);
    port1.close();
  });

  it('a call whose worker died before starting it fails instead of resending detached buffers', async () => {
    using scratch = new Scratch();
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: 2 });
    // Sent together; the first ends the worker before the second starts.
    const crash = ex.submit(exitInTask, scratch.path('exit'), 3);
    const moved = ex.submit(inspectBytes, transfer(filled(8, 1)));
    const copied = ex.submit(inspectBytes, filled(8, 1));
    await assert.rejects(crash, WorkerCrashedError);
    const error = await moved.catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match(error.message, /before starting it/);
    assert.match(error.message, /buffers transfer\(\) moved to it were lost/);
    assert.equal((await copied).sum, 8, 'a call without moved buffers runs again on a new worker');
  });

  it('a task that moves a SharedArrayBuffer fails with TransferError', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const error = await ex.submit(returnShared).catch((e: unknown) => e);
    assert.ok(error instanceof TransferError, String(error));
    assert.equal(error.code, 'CONCUR_ERR_TRANSFER');
    assert.match(error.message, /SharedArrayBuffer/);
  });
});

describe('transfer() errors', () => {
  it('refuses a SharedArrayBuffer, or a view on one, and says to pass it as it is', () => {
    const shared = new SharedArrayBuffer(16);
    for (const value of [shared, new Int32Array(shared)]) {
      assert.throws(
        () => transfer(value as unknown as ArrayBuffer),
        (error: unknown) =>
          error instanceof TransferError &&
          /SharedArrayBuffer of 16 bytes/.test(error.message) &&
          /shared memory is never moved/.test(error.message) &&
          /without transfer\(\)/.test(error.message),
      );
    }
  });

  it('refuses values it cannot move, naming them', () => {
    for (const [value, named] of [
      [{ a: 1 }, /got an Object\. Pass other values without transfer\(\)/],
      [42, /got `42` \(number\)/],
      [[1, 2], /got an Array/],
    ] as const) {
      assert.throws(
        () => transfer(value as unknown as ArrayBuffer),
        (error: unknown) => error instanceof TransferError && named.test(error.message),
      );
    }
  });

  it('refuses a buffer that was already moved (detached)', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const bytes = filled(64, 1);
    await ex.submit(inspectBytes, transfer(bytes));
    assert.throws(
      () => transfer(bytes),
      (error: unknown) =>
        error instanceof TransferError &&
        /a Uint8Array over an ArrayBuffer of 0 bytes whose buffer is detached: it was moved already/.test(
          error.message,
        ),
    );
  });

  it('refuses to move one buffer in two calls, and lets it go again once the first call is over', async () => {
    using scratch = new Scratch();
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const held = ex.submit(gate, scratch.path('hold'), 0);
    await scratch.started('hold');
    const bytes = filled(32, 1);
    const first = ex.submit(inspectBytes, transfer(bytes));
    assert.throws(
      () => ex.submit(inspectBytes, transfer(bytes)),
      (error: unknown) =>
        error instanceof TransferError &&
        /an earlier call is already moving/.test(error.message) &&
        /transfer\(view\.slice\(\)\)/.test(error.message),
    );
    // Cancelled before it was sent: the bytes stay here and can be moved again.
    assert.equal(first.cancel(), true);
    assert.equal(bytes.byteLength, 32);
    const again = ex.submit(inspectBytes, transfer(bytes));
    scratch.open('hold');
    await held;
    assert.equal((await again).sum, 32);
    assert.equal(bytes.byteLength, 0);
  });

  it('a call refused at submit lets its marks go: the next call without transfer() copies', async () => {
    const closed = new ThreadPoolExecutor({ maxWorkers: 1 });
    await closed.shutdown();
    const bytes = filled(16, 1);
    await assert.rejects(closed.submit(inspectBytes, transfer(bytes)), ExecutorShutdownError);
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    assert.equal((await ex.submit(inspectBytes, bytes)).sum, 16);
    assert.equal(bytes.byteLength, 16, 'moved by a call that never asked for it');
  });

  it('marks once: the same buffer twice in one call moves once', async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const bytes = filled(8, 2);
    const seen = await ex.submit(inspectNested, {
      list: [transfer(bytes), transfer(bytes)],
      byName: { inner: transfer(bytes.buffer) },
      map: new Map(),
    });
    assert.deepEqual(
      seen.list.map((s) => s.sum),
      [16, 16],
    );
    assert.equal(seen.inner.sum, 16);
  });
});

describe('transfer() elsewhere', () => {
  it('child processes copy: the sender keeps its bytes, results come back, marks are let go', async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const bytes = filled(256, 4);
    assert.equal((await ex.submit(inspectBytes, transfer(bytes))).sum, 4 * 256);
    assert.equal(bytes.byteLength, 256);
    const out = await ex.submit(addAndReturn, transfer(bytes), 1);
    assert.equal(out.bytes[0], 5);
    assert.deepEqual(await ex.submit(keptLengths), [256], 'the process keeps its own copy');
    // The call is over, so the same bytes can be marked again.
    assert.equal((await ex.submit(inspectBytes, transfer(bytes))).sum, 4 * 256);
  });

  it('in-process executors pass the value itself, and let the mark go after the call', async () => {
    await using ex = new SequentialExecutor();
    const bytes = filled(8, 1);
    const out = await ex.submit(addAndReturn, transfer(bytes), 1);
    assert.equal(out.bytes, bytes);
    assert.equal(bytes[0], 2);
    assert.equal((await ex.submit(inspectBytes, transfer(bytes))).sum, 16);
    assert.equal(bytes.byteLength, 8);
  });
});
