import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { length } from '../fixtures/suite-tasks.ts';
import { type SuiteContext, withExecutor } from './suite-context.ts';

const ITEMS = 1_000_000;
/** Each item is a distinct 200-character string: a map that read all input up front would hold ~250 MB. */
const ITEM_CHARS = 200;
/** Allowed RSS growth. Measured: under 40 MB for every executor (see the report); buffering the input costs ~250 MB. */
const MAX_GROWTH_MB = 120;

export function memoryTests(ctx: SuiteContext): void {
  describe('memory', () => {
    it(`maps ${ITEMS.toLocaleString('en')} items with a small buffersize in bounded memory`, () =>
      withExecutor(ctx, async (ex) => {
        let pulled = 0;
        let consumed = 0;
        let maxOutstanding = 0;
        function* items(): Generator<string> {
          for (let i = 0; i < ITEMS; i++) {
            pulled++;
            yield `${i}:`.padEnd(ITEM_CHARS, 'x');
          }
        }
        const before = process.memoryUsage().rss;
        let peak = before;
        let total = 0;
        for await (const n of ex.map(length, items(), { buffersize: 4 })) {
          total += n;
          consumed++;
          if ((consumed & 0x3fff) === 0) {
            peak = Math.max(peak, process.memoryUsage().rss);
            maxOutstanding = Math.max(maxOutstanding, pulled - consumed);
          }
        }
        peak = Math.max(peak, process.memoryUsage().rss);
        const growthMb = (peak - before) / 2 ** 20;
        assert.equal(consumed, ITEMS);
        assert.equal(total, ITEMS * ITEM_CHARS);
        // 4 chunks in flight of at most 4,096 items each ('auto' caps there).
        assert.ok(maxOutstanding <= 4 * 4096 + 1, `${maxOutstanding} items were read ahead`);
        assert.ok(
          growthMb < MAX_GROWTH_MB,
          `RSS grew by ${growthMb.toFixed(1)} MB (limit ${MAX_GROWTH_MB} MB)`,
        );
        process.stderr.write(
          `# ${ctx.label}: map of ${ITEMS} items grew RSS by ${growthMb.toFixed(1)} MB, read ahead at most ${maxOutstanding}\n`,
        );
      }));
  });
}
