import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeError,
  encodeError,
  isEncodedError,
} from '../packages/concur/src/errors/error-codec.ts';
import {
  ConcurError,
  TaskNotFoundError,
  TimeoutError,
  WorkerCrashedError,
} from '../packages/concur/src/index.ts';

const roundTrip = (error: unknown) => decodeError(structuredClone(encodeError(error)));

describe('error codec', () => {
  it('rebuilds built-in classes with message, stack, cause and own properties', () => {
    const original = Object.assign(
      new RangeError('out of range', { cause: new TypeError('root') }),
      {
        code: 'E_RANGE',
        details: { limit: 3 },
      },
    );
    const copy = roundTrip(original) as RangeError & { code: string; details: unknown };
    assert.ok(copy instanceof RangeError);
    assert.equal(copy.message, 'out of range');
    assert.equal(copy.code, 'E_RANGE');
    assert.deepEqual(copy.details, { limit: 3 });
    assert.equal(copy.stack, original.stack);
    assert.ok(copy.cause instanceof TypeError);
    assert.equal((copy.cause as Error).message, 'root');
  });

  it('keeps a custom class name on a plain Error', () => {
    class HttpError extends Error {
      override name = 'HttpError';
      status = 503;
    }
    const copy = roundTrip(new HttpError('unavailable')) as Error & { status: number };
    assert.ok(copy instanceof Error);
    assert.equal(copy.name, 'HttpError');
    assert.equal(copy.status, 503);
  });

  it('rebuilds concur errors as their class, with their code', () => {
    const copy = roundTrip(new TimeoutError('too slow', 5));
    assert.ok(copy instanceof TimeoutError);
    assert.ok(copy instanceof ConcurError);
    assert.ok(!(copy instanceof WorkerCrashedError));
    assert.equal((copy as TimeoutError).code, 'CONCUR_ERR_TIMEOUT');
  });

  it('passes non-Error throws through, and stringifies uncloneable ones', () => {
    assert.equal(roundTrip('plain string'), 'plain string');
    assert.deepEqual(roundTrip({ reason: 1 }), { reason: 1 });
    assert.match(String(roundTrip(() => 1)), /=>\s*1/);
  });

  it('keeps AggregateError members', () => {
    const copy = roundTrip(
      new AggregateError([new Error('a'), new RangeError('b')], 'both'),
    ) as AggregateError;
    assert.ok(copy instanceof AggregateError);
    assert.equal(copy.errors.length, 2);
    assert.ok(copy.errors[1] instanceof RangeError);
  });
});

/** Through JSON text, as errors travel through Redis. */
const jsonRoundTrip = (error: unknown) => {
  const parsed: unknown = JSON.parse(JSON.stringify(encodeError(error, 'json')));
  assert.ok(isEncodedError(parsed));
  return decodeError(parsed);
};

describe('error codec, JSON encoding', () => {
  it('keeps a cause chain: classes, messages, stacks and codes at every level', () => {
    const root = Object.assign(new Error('disk full'), { code: 'ENOSPC', errno: -28 });
    const middle = new TypeError('write failed', { cause: root });
    const top = Object.assign(new RangeError('save failed', { cause: middle }), { code: 'E_SAVE' });
    const copy = jsonRoundTrip(top) as RangeError & { code: string };
    assert.ok(copy instanceof RangeError);
    assert.equal(copy.message, 'save failed');
    assert.equal(copy.code, 'E_SAVE');
    assert.equal(copy.stack, top.stack);
    const second = copy.cause as TypeError;
    assert.ok(second instanceof TypeError);
    assert.equal(second.message, 'write failed');
    const third = second.cause as Error & { code: string; errno: number };
    assert.ok(third instanceof Error);
    assert.equal(third.message, 'disk full');
    assert.equal(third.code, 'ENOSPC');
    assert.equal(third.errno, -28);
    assert.equal(third.cause, undefined);
  });

  it('keeps AggregateError members, a concur error among them, and a non-Error member', () => {
    const copy = jsonRoundTrip(
      new AggregateError([new TimeoutError('slow', 5), 'plain', new SyntaxError('bad')], 'all', {
        cause: 'why',
      }),
    ) as AggregateError;
    assert.ok(copy instanceof AggregateError);
    assert.equal(copy.message, 'all');
    assert.equal(copy.cause, 'why');
    assert.equal(copy.errors.length, 3);
    assert.ok(copy.errors[0] instanceof TimeoutError);
    assert.equal((copy.errors[0] as TimeoutError).code, 'CONCUR_ERR_TIMEOUT');
    assert.equal(copy.errors[1], 'plain');
    assert.ok(copy.errors[2] instanceof SyntaxError);
  });

  it('rebuilds a concur error from its code, and a plain code on a built-in', () => {
    const concur = jsonRoundTrip(new TaskNotFoundError('gone'));
    assert.ok(concur instanceof TaskNotFoundError);
    assert.ok(concur instanceof ConcurError);
    assert.equal((concur as TaskNotFoundError).message, 'gone');
    const plain = jsonRoundTrip(Object.assign(new TypeError('x'), { code: 'E_X' }));
    assert.ok(plain instanceof TypeError);
    assert.equal((plain as TypeError & { code: string }).code, 'E_X');
  });

  it('brings an unknown class back as its nearest built-in, with its name and fields', () => {
    class HttpError extends Error {
      override name = 'HttpError';
      status = 503;
    }
    class BadInput extends TypeError {
      override name = 'BadInput';
    }
    const http = jsonRoundTrip(new HttpError('unavailable')) as Error & { status: number };
    assert.equal(http.constructor, Error);
    assert.equal(http.name, 'HttpError');
    assert.equal(http.status, 503);
    const bad = jsonRoundTrip(new BadInput('no')) as TypeError;
    assert.ok(bad instanceof TypeError);
    assert.equal(bad.name, 'BadInput');
  });

  it('passes non-Error throws through JSON, undefined and null included', () => {
    assert.equal(jsonRoundTrip(undefined), undefined);
    assert.equal(jsonRoundTrip(null), null);
    assert.equal(jsonRoundTrip('text'), 'text');
    assert.deepEqual(jsonRoundTrip({ code: 7 }), { code: 7 });
    assert.equal(jsonRoundTrip(10n), '10');
  });

  it('turns what JSON cannot carry into text or leaves it out', () => {
    const copy = jsonRoundTrip(
      Object.assign(new Error('big', { cause: 10n }), { size: 10n, fn: () => 1, ok: [1] }),
    ) as Error & Record<string, unknown>;
    assert.equal(copy.cause, '10');
    assert.equal('size' in copy, false);
    assert.equal('fn' in copy, false);
    assert.deepEqual(copy.ok, [1]);
  });

  it('ignores a __proto__ key smuggled into the JSON', () => {
    const text = JSON.stringify(encodeError(new RangeError('x'), 'json')).replace(
      '"props":{}',
      '"props":{"__proto__":{"polluted":true},"code":"E_OK"}',
    );
    assert.match(text, /__proto__/);
    const copy = decodeError(JSON.parse(text)) as RangeError & { code: string };
    assert.ok(copy instanceof RangeError);
    assert.equal(copy.code, 'E_OK');
    assert.equal((copy as unknown as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });
});
