import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as v8 from 'node:v8';
import { ProcessPoolExecutor } from '../packages/concur/src/index.ts';
import { deserializeOwnBytes } from '../packages/concur/src/runtime/own-bytes.ts';
import { v8Codec } from '../packages/queue/src/index.ts';
import { describeViews } from './fixtures/view-tasks.ts';

// Node's deserializer makes typed arrays and DataViews as views into the bytes it reads; a
// copied value must instead own its memory, as a structuredClone'd one does.

/** Views over bigger buffers, at odd offsets, of several kinds. */
function views(): ArrayBufferView[] {
  const big = new ArrayBuffer(64);
  new Uint8Array(big).fill(7);
  return [
    new Uint8Array([1, 2, 255]),
    new Uint8Array(big, 3, 5),
    new Float64Array([1.5, -0, Number.NaN]),
    new DataView(big, 8, 8),
    new BigInt64Array([-1n, 2n ** 62n]),
    Buffer.from('bytes of their own'),
  ];
}

/** Each view owns exactly its bytes: offset 0, a buffer no longer than itself. */
function assertOwnBytes(got: ArrayBufferView[], expected: ArrayBufferView[]): void {
  assert.equal(got.length, expected.length);
  for (const [i, view] of got.entries()) {
    const want = expected[i]!;
    assert.equal(view.constructor, want.constructor, `view ${i} keeps its kind`);
    assert.equal(view.byteOffset, 0, `view ${i} starts its own buffer`);
    assert.equal(view.buffer.byteLength, want.byteLength, `view ${i} holds nothing else`);
    assert.deepEqual(
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
      new Uint8Array(want.buffer, want.byteOffset, want.byteLength),
    );
  }
}

describe('copied typed arrays own their bytes', () => {
  const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
  after(() => pool.shutdown());

  it('deserializeOwnBytes gives each view a buffer of its own, nested anywhere', () => {
    const message = { list: views(), nested: { one: views()[1] } };
    const bytes = v8.serialize(message);
    // Read from the middle of a bigger buffer, as a pipe's reader does.
    const padded = Buffer.alloc(bytes.length + 100);
    bytes.copy(padded, 50);
    const got = deserializeOwnBytes(v8, padded.subarray(50, 50 + bytes.length)) as typeof message;
    assertOwnBytes(got.list, views());
    assertOwnBytes([got.nested.one!], [views()[1]!]);
  });

  it('through a process worker: the task gets views of their own, and so does the caller', async () => {
    const result = (await pool.submit(describeViews, views())) as {
      inside: [number, number, number][];
      views: ArrayBufferView[];
    };
    for (const [i, [offset, bufferLength, length]] of result.inside.entries()) {
      assert.equal(offset, 0, `argument ${i} in the worker`);
      assert.equal(bufferLength, length, `argument ${i} in the worker`);
    }
    assertOwnBytes(result.views, views());
  });

  it('through the queue v8 codec', () => {
    const text = v8Codec.encode(views(), 'args');
    assertOwnBytes(v8Codec.decode(text) as ArrayBufferView[], views());
  });
});
