import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeError, encodeError } from '../src/errors/error-codec.ts';
import { ConcurError, TimeoutError, WorkerCrashedError } from '../src/index.ts';

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
