import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataCloneError } from '../packages/concur/src/index.ts';
import { returnFunction } from './fixtures/crash-tasks.ts';
import { double, echo, length } from './fixtures/suite-tasks.ts';
import { POOLS, runMany } from './shared/pools.ts';

for (const pool of POOLS) {
  describe(`${pool.name} pool data errors`, () => {
    it('rejects an argument that cannot be cloned with DataCloneError naming it', async () => {
      const ex = pool.create({ maxWorkers: 1 });
      const error = await ex.submit(echo, { onDone: () => 1 }).catch((e) => e);
      assert.ok(error instanceof DataCloneError, String(error));
      assert.equal(error.code, 'CONCUR_ERR_DATA_CLONE');
      assert.match(error.message, /Argument 0 of task `echo`/);
      assert.match(error.message, /cannot be sent to a (thread|process) worker/);
      assert.deepEqual(
        await runMany(ex, 10),
        Array.from({ length: 10 }, (_, i) => i * 2),
      );
      await ex.shutdown();
    });

    it('rejects a return value that cannot be cloned with DataCloneError saying so', async () => {
      const ex = pool.create({ maxWorkers: 1 });
      const error = await ex.submit(returnFunction).catch((e) => e);
      assert.ok(error instanceof DataCloneError, String(error));
      assert.match(error.message, /return value/i);
      assert.match(error.message, /could not be cloned/);
      assert.deepEqual(
        await runMany(ex, 10),
        Array.from({ length: 10 }, (_, i) => i * 2),
      );
      await ex.shutdown();
    });

    it('rejects a map item that cannot be cloned at that item', async () => {
      const ex = pool.create({ maxWorkers: 1 });
      const items: unknown[] = ['a', 'bb', Symbol('not data'), 'dddd'];
      const seen: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const n of ex.map(length, items as string[], { chunksize: 1 })) seen.push(n);
        })(),
        (error: unknown) => {
          assert.ok(error instanceof DataCloneError, String(error));
          // Its place in the input, not in its chunk (the first of its own chunk here).
          assert.match(error.message, /^Item 2 of the input of this map of task `length`/);
          return true;
        },
      );
      assert.deepEqual(seen, [1, 2]);
      const doubled = [];
      for await (const n of ex.map(double, [1, 2, 3])) doubled.push(n);
      assert.deepEqual(doubled, [2, 4, 6]);
      await ex.shutdown();
    });

    it('names an item that throws when read by its place, with what it threw', async () => {
      const ex = pool.create({ maxWorkers: 1 });
      const trap = new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      );
      const getter = {
        get g() {
          throw new Error('unreadable');
        },
      };
      const throwsNull = {
        get g() {
          throw null;
        },
      };
      const cases: [unknown, RegExp][] = [
        [throwsNull, /cannot be sent to a \w+ worker: reading it threw: null\./],
        [
          trap,
          /^Item 3 of the input .*`\[an object that cannot be read\]` \(object\), cannot be sent/,
        ],
        [
          getter,
          /^Item 3 of the input .*cannot be sent to a \w+ worker: reading it threw: unreadable\./,
        ],
      ];
      for (const [bad, message] of cases) {
        await assert.rejects(
          (async () => {
            for await (const _ of ex.map(length, ['a', 'b', 'c', bad] as string[])) {
              // Consumed only for the error.
            }
          })(),
          (error: unknown) => {
            assert.ok(error instanceof DataCloneError, String(error));
            assert.match(error.message, message);
            return true;
          },
        );
      }
      assert.deepEqual(await runMany(ex, 4), [0, 2, 4, 6]);
      await ex.shutdown();
    });
  });
}

describe('a program that forgets shutdown()', () => {
  it('still exits by itself with code 0 once its work is done', () => {
    const program = fileURLToPath(new URL('./fixtures/forget-shutdown.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', program], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.error, undefined, 'the program did not exit within 60 s');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { sums: [3, 7], doubled: 24 });
  });
});
