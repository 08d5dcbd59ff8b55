import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { types } from 'node:util';
import fc from 'fast-check';
import { AsyncExecutor, DataCloneError, SequentialExecutor } from '../packages/concur/src/index.ts';
import { gate } from './fixtures/suite-tasks.ts';
import { returnUnreadable, throwThis, unreadable, workerIdentity } from './fixtures/throw-tasks.ts';
import type { ThrownSpec } from './fixtures/thrown-values.ts';
import { PATIENCE_MS, Scratch } from './shared/gates.ts';
import { POOLS } from './shared/pools.ts';
import { checkOutcome, thrownSpec, UNREADABLE_PROXY } from './shared/thrown-outcome.ts';

// What a task throws comes back as docs/errors.md says, and the worker
// that encoded it lives on.

for (const pool of POOLS) {
  describe(`${pool.name} pool: whatever a task throws`, () => {
    const ex = pool.create({ maxWorkers: 1, concurrencyPerWorker: 2 });
    let identity: string;
    before(async () => {
      identity = await ex.submit(workerIdentity);
    });
    after(() => ex.shutdown());

    it('comes back as documented, and the worker lives on (property)', async () => {
      await fc.assert(
        fc.asyncProperty(thrownSpec, fc.boolean(), async (spec, later) => {
          const outcome = await ex.submit(throwThis, spec, later).then(
            () => assert.fail('the task did not throw'),
            (error: unknown) => error,
          );
          checkOutcome(spec, outcome);
          assert.equal(await ex.submit(workerIdentity), identity, 'the worker was replaced');
        }),
        { numRuns: 150 },
      );
    });

    for (const field of ['message', 'name', 'stack'] as const) {
      it(`a ${field} getter that throws fails only its own task, not one running beside it`, async () => {
        using scratch = new Scratch();
        const beside = ex.submit(gate, scratch.path('beside'), 'beside');
        await scratch.started('beside');
        const spec: ThrownSpec = {
          kind: 'error',
          cls: 'Error',
          message: 'bad',
          props: {},
          broken: [field],
          cycle: false,
          proxied: false,
        };
        const error = await ex.submit(throwThis, spec, true).catch((e: unknown) => e);
        assert.ok(error instanceof Error && !(error as { code?: unknown }).code, String(error));
        scratch.open('beside');
        assert.equal(await beside, 'beside');
        assert.equal(await ex.submit(workerIdentity), identity);
      });
    }

    for (const how of ['getter', 'proxy', 'index'] as const) {
      it(`an argument whose ${how} throws rejects its submit with DataCloneError; nothing else fails`, async () => {
        const error = await ex.submit(workerIdentity, unreadable(how)).catch((e: unknown) => e);
        assert.ok(error instanceof DataCloneError, String(error));
        assert.match(error.message, /cannot be sent to a (thread|process) worker/);
        assert.equal(await ex.submit(workerIdentity), identity, 'the worker was replaced');
      });

      it(`a result whose ${how} throws fails only its own task, not one running beside it`, async () => {
        for (const later of [false, true]) {
          using scratch = new Scratch();
          const beside = ex.submit(gate, scratch.path('beside'), 'beside');
          await scratch.started('beside');
          const error = await ex.submit(returnUnreadable, how, later).catch((e: unknown) => e);
          assert.ok(error instanceof DataCloneError, String(error));
          assert.match(error.message, /return value of the task cannot be sent back/);
          scratch.open('beside');
          assert.equal(await beside, 'beside');
          assert.equal(await ex.submit(workerIdentity), identity, 'the worker was replaced');
        }
      });
    }

    it('a revoked Proxy fails only its own task, not one running beside it', async () => {
      using scratch = new Scratch();
      const beside = ex.submit(gate, scratch.path('beside'), 'beside');
      await scratch.started('beside');
      const thrown = await ex
        .submit(throwThis, { kind: 'proxy', of: 'error', how: 'revoked' }, false)
        .catch((e: unknown) => e);
      assert.equal(thrown, UNREADABLE_PROXY);
      scratch.open('beside');
      assert.equal(await beside, 'beside');
      assert.equal(await ex.submit(workerIdentity), identity);
    });
  });
}

describe('in-process executors: whatever a task throws', () => {
  const specs: ThrownSpec[] = [
    {
      kind: 'error',
      cls: 'Error',
      message: 'bad',
      props: {},
      broken: ['stack'],
      cycle: false,
      proxied: false,
    },
    { kind: 'proxy', of: 'error', how: 'revoked' },
  ];
  for (const make of [
    () => new SequentialExecutor({ callSites: true }),
    () => new AsyncExecutor({ callSites: true }),
  ]) {
    it(`${make().constructor.name} rejects with the very value, even when its stack cannot be read`, {
      timeout: PATIENCE_MS,
    }, async () => {
      const ex = make();
      for (const spec of specs) {
        for (const later of [false, true]) {
          // Boxed: a promise resolved with a revoked Proxy would read its `then`, and throw.
          const [got] = await ex.submit(throwThis, spec, later).catch((e: unknown) => [e]);
          // In-process there is no copy: the caller gets what was thrown, untouched.
          if (spec.kind === 'proxy') assert.ok(types.isProxy(got));
          else assert.ok(got instanceof Error && got.message === 'bad', String(got));
        }
      }
      await ex.shutdown();
    });
  }
});
