import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '../packages/concur/src/index.ts';
import { packNumbers } from '../packages/concur/src/runtime/number-pack.ts';
import { echo } from './fixtures/suite-tasks.ts';

// Map chunks of numbers travel as Float64Arrays (src/runtime/number-pack.ts); what a
// caller gets back must be exactly what it would get from arrays.

const NUMBERS = [
  -0,
  0,
  Number.NaN,
  1.5,
  -7,
  2 ** 53,
  -(2 ** 31),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e-300,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
];

describe('packNumbers', () => {
  it('packs an array of numbers only, and only from 16 items', () => {
    assert.ok(packNumbers(NUMBERS) instanceof Float64Array);
    assert.ok(Array.isArray(packNumbers(NUMBERS.slice(0, 15))));
    const mixed = [...NUMBERS, '11'];
    assert.equal(packNumbers(mixed), mixed);
    const late = [...NUMBERS, 1n];
    assert.equal(packNumbers(late), late);
  });
});

for (const [runtime, Executor] of [
  ['thread', ThreadPoolExecutor],
  ['process', ProcessPoolExecutor],
] as const) {
  describe(`map over numbers in a ${runtime} pool`, () => {
    it('returns every number exactly, -0 and NaN included', async () => {
      const ex = new Executor({ maxWorkers: 2 });
      try {
        const items = Array.from({ length: 50 }, (_, i) => NUMBERS[i % NUMBERS.length]!);
        const out: unknown[] = [];
        for await (const value of ex.map(echo, items, { chunksize: 25 })) out.push(value);
        assert.equal(out.length, items.length);
        for (let i = 0; i < items.length; i++) assert.ok(Object.is(out[i], items[i]), `item ${i}`);
      } finally {
        await ex.shutdown();
      }
    });

    it('leaves chunks with other values as they are', async () => {
      const ex = new Executor({ maxWorkers: 1 });
      try {
        const items: unknown[] = [...NUMBERS, 'text', { a: 1 }, null];
        const out: unknown[] = [];
        for await (const value of ex.map(echo, items, { chunksize: 40 })) out.push(value);
        assert.deepEqual(out, items);
      } finally {
        await ex.shutdown();
      }
    });
  });
}
