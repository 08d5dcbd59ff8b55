import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LockNotHeldError, TimeoutError } from '../../packages/concur/src/index.ts';
import { ExportedError } from '../fixtures/throw-tasks.ts';
import { buildThrown, RegisteredError, type ThrownSpec } from '../fixtures/thrown-values.ts';

// What comes back when a task throws the value `buildThrown(spec)` makes, as the
// docs/errors.md states it: one checker for pools and the queue.

const CLASSES = {
  Error,
  TypeError,
  RangeError,
  RegisteredError,
  ExportedError,
  UnknownError: TypeError,
  LockNotHeldError,
  TimeoutError,
} as const;

/**
 * Whether this Node reads an error's stack through a Proxy: V8 in Node 20 does; from
 * Node 22 the stack accessor refuses a Proxy as its receiver and gives undefined, so a
 * proxied error comes back without a stack there.
 */
const STACK_THROUGH_PROXY = typeof new Proxy(new Error('probe'), {}).stack === 'string';

export const UNREADABLE_PROXY = '[a Proxy that cannot be read]';

/** Checks `got` against the documented outcome of throwing `spec`; `self` is the copy of the top error. */
export function checkOutcome(spec: ThrownSpec, got: unknown, path = 'thrown'): void {
  switch (spec.kind) {
    case 'error': {
      const cls = CLASSES[spec.cls];
      assert.ok(
        got instanceof cls,
        `${path}: expected an instance of ${spec.cls}, got ${String(got)}`,
      );
      assert.equal(Object.getPrototypeOf(got), cls.prototype, `${path}: class`);
      // Every class here has its class name as `name`: a broken getter falls back to just that.
      assert.equal(got.name, spec.cls, `${path}: name`);
      if (spec.broken.includes('message')) assert.match(got.message, /could not be read/, path);
      else assert.equal(got.message, spec.message, `${path}: message`);
      if (spec.broken.includes('stack')) assert.equal(got.stack, undefined, `${path}: stack`);
      else if (spec.proxied && !STACK_THROUGH_PROXY)
        assert.equal(got.stack, undefined, `${path}: stack (not readable through a Proxy here)`);
      else assert.equal(typeof got.stack, 'string', `${path}: stack`);
      for (const [key, value] of Object.entries(spec.props))
        assert.equal((got as unknown as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (spec.broken.includes('cause')) assert.equal('cause' in got, false, `${path}: cause`);
      else if (spec.cycle) assert.equal(got.cause, got, `${path}: its own cause`);
      else if (spec.cause !== undefined) checkOutcome(spec.cause, got.cause, `${path}.cause`);
      else assert.equal('cause' in got, false, `${path}: cause`);
      if (spec.cls === 'LockNotHeldError')
        assert.equal((got as LockNotHeldError).code, 'CONCUR_ERR_LOCK_NOT_HELD');
      if (spec.cls === 'TimeoutError') assert.equal((got as TimeoutError).timeoutMs, 5);
      if (spec.cls === 'ExportedError')
        assert.equal((got as ExportedError).describe(), `ExportedError: ${got.message}`);
      return;
    }
    case 'aggregate': {
      assert.ok(
        got instanceof AggregateError,
        `${path}: expected an AggregateError, got ${String(got)}`,
      );
      assert.equal(got.message, spec.message);
      assert.equal(
        got.errors.length,
        spec.members.length + (spec.selfMember ? 1 : 0),
        `${path}: members`,
      );
      for (const [i, member] of spec.members.entries())
        checkOutcome(member, got.errors[i], `${path}.errors[${i}]`);
      if (spec.selfMember) assert.equal(got.errors.at(-1), got, `${path}: itself as a member`);
      return;
    }
    case 'dom':
      assert.ok(
        got instanceof DOMException,
        `${path}: expected a DOMException, got ${String(got)}`,
      );
      assert.equal(got.name, spec.name);
      assert.equal(got.message, spec.message);
      assert.equal(got.code, new DOMException('', spec.name).code);
      return;
    case 'proxy':
      if (spec.of === 'error' && spec.how === 'throwing-traps') {
        // Read as an error whose every field throws.
        assert.ok(got instanceof Error, path);
        assert.equal(got.name, 'Error');
        assert.match(got.message, /could not be read/);
        assert.equal(got.stack, undefined);
      } else {
        assert.equal(got, UNREADABLE_PROXY, path);
      }
      return;
    case 'value': {
      const original = buildThrown(spec);
      if (spec.value === 'object' || spec.value === 'null-prototype')
        assert.deepEqual(got, { ...(original as object) }, path);
      else if (spec.value === 'holds-function') assert.equal(got, '[object Object]', path);
      else if (spec.value === 'symbol' || spec.value === 'function')
        assert.equal(got, String(original), path);
      else assert.equal(got, original, path);
      return;
    }
  }
}

const PROP_KEYS = ['status', 'detail', 'retries', 'id'] as const;

export const thrownSpec = fc.letrec<{ spec: ThrownSpec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('value' as const),
      value: fc.constantFrom(
        'null',
        'undefined',
        'number',
        'string',
        'bigint',
        'symbol',
        'function',
        'object',
        'null-prototype',
        'holds-function',
      ) as fc.Arbitrary<Extract<ThrownSpec, { kind: 'value' }>['value']>,
    }),
    fc.record({
      kind: fc.constant('proxy' as const),
      of: fc.constantFrom('object' as const, 'error' as const),
      how: fc.constantFrom('revoked' as const, 'throwing-traps' as const),
    }),
    fc.record({
      kind: fc.constant('dom' as const),
      message: fc.string(),
      name: fc.constantFrom(
        'AbortError',
        'DataCloneError',
        'NotFoundError',
        'SyntaxError',
        'MadeUpError',
      ),
    }),
    fc.record({
      kind: fc.constant('error' as const),
      cls: fc.constantFrom(...(Object.keys(CLASSES) as (keyof typeof CLASSES)[])),
      message: fc.string(),
      props: fc.dictionary(fc.constantFrom(...PROP_KEYS), fc.oneof(fc.string(), fc.integer()), {
        maxKeys: 3,
      }),
      broken: fc.subarray(['name', 'message', 'stack', 'cause'] as const),
      cause: fc.option(tie('spec'), { nil: undefined }),
      cycle: fc.boolean(),
      proxied: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('aggregate' as const),
      message: fc.string(),
      members: fc.array(tie('spec'), { maxLength: 3 }),
      selfMember: fc.boolean(),
    }),
  ),
})).spec;
