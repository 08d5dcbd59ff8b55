import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kWire, type WireCodec } from '../packages/concur/src/runtime/wire.ts';
import { needsWire } from '../packages/concur/src/runtime/wire-walk.ts';

/** An object that travels through a codec, as a sync primitive does. */
function codecValue(): object {
  const value = {};
  Object.defineProperty(value, kWire, { value: { name: 'test' } as unknown as WireCodec });
  return value;
}

/** A list of `n` records, each pointing at the next and back at the first: shared and cyclic. */
function cyclicRecords(n: number): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => ({ i }));
  for (let i = 0; i < n; i++) {
    records[i]!.next = records[(i + 1) % n];
    records[i]!.first = records[0];
  }
  return records;
}

describe('needsWire (the search for values that travel through a codec)', () => {
  it('says no for plain records, typed arrays, dates and primitives', () => {
    const record = { name: 'a', tags: ['x', 'y'], nested: { deep: [1, { at: new Date(0) }] } };
    assert.equal(needsWire([1, 'two', null, undefined]), false);
    assert.equal(needsWire([record, new Uint8Array(4), Object.create(null)]), false);
  });

  it('finds a codec value at any depth, in lists, Maps and Sets', () => {
    assert.equal(needsWire([{ a: [{ b: codecValue() }] }]), true);
    assert.equal(needsWire([new Map([['k', new Set([codecValue()])]])]), true);
  });

  it('ends on cycles and shared objects, small or past the count it remembers from', () => {
    for (const n of [3, 200]) {
      const records = cyclicRecords(n);
      assert.equal(needsWire([records]), false, `${n} records, no codec`);
      records[n - 1]!.lock = codecValue();
      assert.equal(needsWire([records[0]]), true, `${n} records, codec in the last`);
    }
  });
});
