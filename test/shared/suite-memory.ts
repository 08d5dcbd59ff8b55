import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { length } from '../fixtures/suite-tasks.ts';
import { type SuiteContext, withExecutor } from './suite-context.ts';

const ITEMS = 1_000_000;
/** Below this, a map that read all of its input first would no longer break the bounds below. */
const MIN_ITEMS = 250_000;
/** Each item is a distinct 200-character string: a map that read all input up front would hold ~250 MB. */
const ITEM_CHARS = 200;
/**
 * Bounds on growth during the map. Measured on this suite's executors: RSS +50..70 MB and
 * heap retained after GC +3..4 MB; the same map over the input read into an array first:
 * RSS +400 MB, retained heap +260 MB.
 */
const MAX_RSS_GROWTH_MB = 200;
const MAX_RETAINED_GROWTH_MB = 40;
const MB = 2 ** 20;

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export function memoryTests(ctx: SuiteContext): void {
  const count = ctx.longMapItems ?? ITEMS;
  if (count < MIN_ITEMS) throw new Error(`longMapItems must be at least ${MIN_ITEMS}`);
  describe('memory', () => {
    it(`maps ${count.toLocaleString('en')} items with a small buffersize in bounded memory`, () =>
      withExecutor(ctx, async (ex) => {
        const gc = exposeGc();
        let pulled = 0;
        let consumed = 0;
        let maxOutstanding = 0;
        function* items(): Generator<string> {
          for (let i = 0; i < count; i++) {
            pulled++;
            yield `${i}:`.padEnd(ITEM_CHARS, 'x');
          }
        }
        // Start the workers first: their own start-up memory is not what this test bounds.
        await Promise.all(Array.from({ length: ctx.capacity }, () => ex.submit(length, 'warm')));
        gc();
        const before = process.memoryUsage();
        let rssPeak = before.rss;
        let retainedPeak = before.heapUsed;
        let total = 0;
        for await (const n of ex.map(length, items(), { buffersize: 4 })) {
          total += n;
          consumed++;
          if ((consumed & 0xffff) === 0) {
            rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
            maxOutstanding = Math.max(maxOutstanding, pulled - consumed);
            gc();
            retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed);
          }
        }
        const rssGrowth = (rssPeak - before.rss) / MB;
        const retainedGrowth = (retainedPeak - before.heapUsed) / MB;
        assert.equal(consumed, count);
        assert.equal(total, count * ITEM_CHARS);
        // 4 chunks in flight of at most 4,096 items each ('auto' caps there).
        assert.ok(maxOutstanding <= 4 * 4096 + 1, `${maxOutstanding} items were read ahead`);
        assert.ok(
          rssGrowth < MAX_RSS_GROWTH_MB,
          `RSS grew by ${rssGrowth.toFixed(1)} MB (limit ${MAX_RSS_GROWTH_MB} MB)`,
        );
        assert.ok(
          retainedGrowth < MAX_RETAINED_GROWTH_MB,
          `heap retained after GC grew by ${retainedGrowth.toFixed(1)} MB (limit ${MAX_RETAINED_GROWTH_MB} MB)`,
        );
        process.stderr.write(
          `# ${ctx.label}: ${count.toLocaleString('en')}-item map: RSS +${rssGrowth.toFixed(1)} MB, retained heap +${retainedGrowth.toFixed(1)} MB, read ahead <= ${maxOutstanding}\n`,
        );
      }));
  });
}
