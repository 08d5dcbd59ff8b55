import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { decodeCompact, encodeCompact } from '../packages/concur/src/runtime/compact-codec.ts';
import {
  compactFrame,
  FrameKind,
  FrameReader,
} from '../packages/concur/src/runtime/pipe-frames.ts';

/** What v8.serialize() would deliver: the compact codec must deliver the same. */
function viaV8(message: object): unknown {
  return deserialize(serialize(message));
}

function roundTrip(message: object): unknown {
  const body = encodeCompact(message, 0);
  assert.ok(body !== undefined, `expected ${JSON.stringify(message)} to be compact`);
  return decodeCompact(body);
}

describe('compact codec (tiny messages of a process worker)', () => {
  it('gives back jobs and results of primitives and plain arrays exactly as v8 does', () => {
    const messages = [
      { j: [1, 1, 0, [41]] },
      { j: [2, 1, 0, ['héllo', '\ud800 lone', '', 'x'.repeat(100)]] },
      { j: [3, 2, 0, [-0, Number.NaN, Infinity, -Infinity, 2 ** 53, 1e-300]] },
      { j: [4, 1, 0, [true, false, null, undefined, [1, [2, ['deep']]], []]] },
      { r: [1, 0, 42, 0.01, 2, 0, undefined, -0.5] },
      { r: [7, 0, 'done', -0.12] },
    ];
    for (const message of messages) {
      // Strict deepEqual tells -0 from 0 and compares NaN with itself.
      assert.deepEqual(roundTrip(message), viaV8(message));
    }
    const negativeZero = roundTrip({ r: [1, 0, -0, 1] }) as { r: unknown[] };
    assert.ok(Object.is(negativeZero.r[2], -0));
  });

  it('leaves everything else to v8: objects, holes, extra keys, typed arrays, big or other messages', () => {
    const refused: object[] = [
      { j: [1, 1, 0, [{ a: 1 }]] },
      { j: [1, 1, 0, [new Map()]] },
      { j: [1, 1, 0, [new Uint8Array(2)]] },
      { j: [1, 1, 0, [1n]] },
      { j: [1, 1, 0, [new Date(0)]] },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is being refused
      { j: [1, 1, 0, [1, , 3]] },
      { j: [1, 1, 0, Object.assign([1], { extra: true })] },
      { d: [1, 'file:///t.js', 't'], j: [1, 1, 0, [1]] },
      { j: [1, 1, 0, [Array.from({ length: 300 }, (_, i) => i)]] },
      { j: [1, 1, 0, ['x'.repeat(5000)]] },
      { a: 1, ok: true, v: 2 },
      { x: 1 },
      { ready: 1 },
    ];
    for (const message of refused) assert.equal(encodeCompact(message, 0), undefined);
  });

  it('travels as one Compact frame through the frame reader', () => {
    const frames: [number, unknown][] = [];
    const reader = new FrameReader((kind, body) => frames.push([kind, decodeCompact(body)]));
    const bytes = compactFrame({ r: [5, 0, 'ok', 0.5] })!;
    // Split anywhere: the reader joins the pieces.
    reader.push(bytes.subarray(0, 3));
    reader.push(bytes.subarray(3));
    assert.deepEqual(frames, [[FrameKind.Compact, { r: [5, 0, 'ok', 0.5] }]]);
  });

  it('gives back what v8 gives back, arrays met twice or inside themselves included (property)', () => {
    /** Where each array first appeared, in visiting order: equal for the same sharing. */
    const sharing = (value: unknown, seen: unknown[] = []): string => {
      if (!Array.isArray(value)) return '.';
      const at = seen.indexOf(value);
      if (at !== -1) return `@${at}`;
      seen.push(value);
      return `[${value.map((v) => sharing(v, seen)).join(',')}]`;
    };
    const primitive = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.boolean(),
      fc.constantFrom(null, undefined, -0, Number.NaN),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, primitive, fc.array(tie('tree'), { maxLength: 5 })),
    }));
    fc.assert(
      fc.property(
        fc.array(tree, { maxLength: 6 }),
        fc.nat(5),
        fc.boolean(),
        (args, pick, cycle) => {
          // Share one of the arrays (or make it hold itself), as user values may; on copies,
          // since fast-check shrinks from the values it generated.
          const list = args.map((a) => (Array.isArray(a) ? [...a] : a));
          const arrays = list.filter(Array.isArray) as unknown[][];
          const shared = arrays[pick % Math.max(1, arrays.length)];
          if (shared !== undefined) (cycle ? shared : list).push(shared);
          const message = { j: [1, 1, 0, list] };
          const body = encodeCompact(message, 0);
          if (body === undefined) return;
          const decoded = decodeCompact(body) as { j: unknown[] };
          const expected = viaV8(message) as { j: unknown[] };
          assert.deepEqual(decoded, expected);
          assert.equal(sharing(decoded.j), sharing(expected.j));
        },
      ),
      { numRuns: 500 },
    );
  });
});
