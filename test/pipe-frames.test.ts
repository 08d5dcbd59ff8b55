import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameKind, FrameReader, frame } from '../packages/concur/src/runtime/pipe-frames.ts';

const bodies = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('last')];
const stream = Buffer.concat(
  bodies.flatMap((body, i) => frame(i % 2 === 0 ? FrameKind.Message : FrameKind.Started, body)),
);

describe('pipe frames', () => {
  it('gives back every frame, in order, whatever the chunk boundaries', () => {
    for (const size of [1, 2, 5, 6, 4096, stream.length]) {
      const seen: [number, Buffer][] = [];
      const reader = new FrameReader((kind, body) => seen.push([kind, Buffer.from(body)]));
      for (let at = 0; at < stream.length; at += size) reader.push(stream.subarray(at, at + size));
      assert.deepEqual(
        seen.map(([kind]) => kind),
        [FrameKind.Message, FrameKind.Started, FrameKind.Message, FrameKind.Started],
        `chunks of ${size}`,
      );
      assert.deepEqual(
        seen.map(([, body]) => body),
        bodies,
        `chunks of ${size}`,
      );
    }
  });

  it('copies a frame that arrives in many chunks a bounded number of times', (t) => {
    const body = Buffer.alloc(4 * 1024 * 1024, 3);
    const stream = Buffer.concat(frame(FrameKind.Message, body));
    let copied = 0;
    const concat = Buffer.concat;
    t.mock.method(Buffer, 'concat', (list: readonly Uint8Array[], length?: number) => {
      const out = concat(list, length);
      copied += out.length;
      return out;
    });
    let got: Buffer | undefined;
    const reader = new FrameReader((_kind, b) => {
      got = b;
    });
    for (let at = 0; at < stream.length; at += 4096) reader.push(stream.subarray(at, at + 4096));
    t.mock.restoreAll();
    assert.ok(got?.equals(body));
    assert.ok(
      copied <= 2 * stream.length,
      `copied ${copied} bytes for a ${stream.length}-byte frame`,
    );
  });

  it('queues a push made from inside a frame behind the frames already read', () => {
    const order: string[] = [];
    const reader = new FrameReader((_kind, body) => {
      const text = body.toString();
      order.push(text);
      if (text === 'one')
        reader.push(Buffer.concat(frame(FrameKind.Message, Buffer.from('three'))));
      assert.equal(reader.busy, true);
    });
    reader.push(
      Buffer.concat([
        ...frame(FrameKind.Message, Buffer.from('one')),
        ...frame(FrameKind.Message, Buffer.from('two')),
      ]),
    );
    assert.deepEqual(order, ['one', 'two', 'three']);
    assert.equal(reader.busy, false);
  });

  it('stays usable after a frame handler throws', () => {
    const seen: string[] = [];
    const reader = new FrameReader((_kind, body) => {
      if (body.toString() === 'bad') throw new Error('handler failed');
      seen.push(body.toString());
    });
    assert.throws(
      () =>
        reader.push(
          Buffer.concat([
            ...frame(FrameKind.Message, Buffer.from('bad')),
            ...frame(FrameKind.Message, Buffer.from('kept')),
          ]),
        ),
      /handler failed/,
    );
    reader.push(Buffer.alloc(0));
    assert.deepEqual(seen, ['kept']);
  });
});
