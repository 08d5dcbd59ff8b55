import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { types } from 'node:util';
import { registerModuleErrorClasses } from '../packages/concur/src/errors/error-classes.ts';
import {
  decodeError,
  encodeError,
  isEncodedError,
} from '../packages/concur/src/errors/error-codec.ts';
import {
  AbandonedMutexError,
  ConcurError,
  type ErrorClass,
  InvalidArgumentError,
  LockNotHeldError,
  registerErrorClass,
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

describe('error codec: every class concur knows comes back as itself', () => {
  it('rebuilds the sync errors as their class, with their code and fields', () => {
    for (const copy of [
      roundTrip(new LockNotHeldError('not held')),
      jsonRoundTrip(new LockNotHeldError('not held')),
    ]) {
      assert.ok(copy instanceof LockNotHeldError, String(copy));
      assert.ok(copy instanceof ConcurError);
      assert.equal((copy as LockNotHeldError).code, 'CONCUR_ERR_LOCK_NOT_HELD');
      assert.equal((copy as LockNotHeldError).message, 'not held');
    }
    const abandoned = roundTrip(new AbandonedMutexError('died holding it', 42));
    assert.ok(abandoned instanceof AbandonedMutexError);
    assert.equal((abandoned as AbandonedMutexError).ownerId, 42);
  });

  it('rebuilds a DOMException with its name, code and message', () => {
    for (const copy of [
      roundTrip(new DOMException('gone', 'NotFoundError')),
      jsonRoundTrip(new DOMException('gone', 'NotFoundError')),
    ]) {
      assert.ok(copy instanceof DOMException, String(copy));
      assert.equal((copy as DOMException).name, 'NotFoundError');
      assert.equal((copy as DOMException).code, DOMException.NOT_FOUND_ERR);
      assert.equal((copy as DOMException).message, 'gone');
    }
  });

  it('rebuilds a registered class as itself, without running its constructor', () => {
    let constructed = 0;
    class PaymentError extends Error {
      constructor(readonly amount: number) {
        super(`cannot pay ${amount}`);
        constructed++;
      }
      override get name(): string {
        return 'PaymentError';
      }
      get twice(): number {
        return this.amount * 2;
      }
    }
    registerErrorClass(PaymentError, 'test.PaymentError');
    registerErrorClass(PaymentError, 'test.PaymentError'); // again: nothing changes
    for (const copy of [roundTrip(new PaymentError(5)), jsonRoundTrip(new PaymentError(5))]) {
      assert.ok(copy instanceof PaymentError);
      assert.equal((copy as PaymentError).twice, 10);
      assert.equal((copy as PaymentError).name, 'PaymentError');
      assert.equal((copy as PaymentError).message, 'cannot pay 5');
    }
    assert.equal(constructed, 2);
    // A subclass that is not registered comes back as its registered parent, with its own name.
    class LatePayment extends PaymentError {
      override get name(): string {
        return 'LatePayment';
      }
    }
    const late = roundTrip(new LatePayment(1)) as PaymentError;
    assert.equal(Object.getPrototypeOf(late), PaymentError.prototype);
    assert.equal(late.name, 'LatePayment');
  });

  it('rebuilds every kind as a native error (util.types.isNativeError) where the original was one, its class kept', () => {
    class QuotaError extends RangeError {}
    registerErrorClass(QuotaError, 'test.QuotaError');
    class GoneError extends DOMException {}
    registerErrorClass(GoneError, 'test.GoneError');
    const originals: [unknown, abstract new (...args: never[]) => Error][] = [
      [new QuotaError('over'), QuotaError],
      [new GoneError('gone', 'NotFoundError'), GoneError],
      [new TimeoutError('too slow', 5), TimeoutError],
      [new AggregateError([new Error('a')], 'all'), AggregateError],
      [new TypeError('plain'), TypeError],
    ];
    for (const [original, cls] of originals) {
      for (const copy of [roundTrip(original), jsonRoundTrip(original)]) {
        // As native as the original: a DOMException is not one before Node 22.
        assert.equal(types.isNativeError(copy), types.isNativeError(original), String(copy));
        assert.ok(copy instanceof cls, String(copy));
        assert.equal((copy as Error).message, (original as Error).message);
      }
    }
    assert.ok(types.isNativeError(roundTrip(new QuotaError('over'))));
    const gone = roundTrip(new GoneError('gone', 'NotFoundError')) as DOMException;
    assert.equal(gone.name, 'NotFoundError');
    assert.equal(gone.code, DOMException.NOT_FOUND_ERR);
  });

  it('refuses a second class under a taken name, and a value that is not an error class', () => {
    class First extends Error {}
    class Second extends Error {}
    registerErrorClass(First, 'test.Taken');
    assert.throws(
      () => registerErrorClass(Second, 'test.Taken'),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        /`test.Taken` is taken by another class/.test(error.message) &&
        /registerErrorClass\(cls, 'my-lib.test.Taken'\)/.test(error.message),
    );
    assert.throws(
      () => registerErrorClass(class NotAnError {} as unknown as ErrorClass),
      /Expected `cls` to be a class that extends Error/,
    );
  });

  it('rebuilds a class exported by a task module, found by module URL and export name', () => {
    class InventoryError extends Error {}
    registerModuleErrorClasses('file:///tasks/inventory.ts', { InventoryError, notAClass: 1 });
    const copy = jsonRoundTrip(Object.assign(new InventoryError('out of stock'), { sku: 'A1' }));
    assert.ok(copy instanceof InventoryError);
    assert.equal((copy as InventoryError & { sku: string }).sku, 'A1');
  });

  it('defines fields rather than assigning them, past a getter-only accessor of the class', () => {
    class Strict extends Error {
      get status(): number {
        return 500;
      }
    }
    registerErrorClass(Strict, 'test.Strict');
    const original = new Strict('x');
    Object.defineProperty(original, 'status', { value: 404, enumerable: true });
    const copy = roundTrip(original) as Strict;
    assert.ok(copy instanceof Strict);
    assert.equal(copy.status, 404);
  });
});

describe('error codec: values that fight back', () => {
  it('never throws, and keeps what can be read', () => {
    const { proxy, revoke } = Proxy.revocable(new Error('x'), {});
    revoke();
    const broken = new RangeError('kept');
    void broken.stack;
    Object.defineProperty(broken, 'message', {
      get() {
        throw new Error('no message');
      },
    });
    Object.defineProperty(broken, 'secret', {
      enumerable: true,
      get() {
        throw new Error('no secret');
      },
    });
    for (const round of [roundTrip, jsonRoundTrip]) {
      assert.equal(round(proxy), '[a Proxy that cannot be read]');
      const copy = round(broken) as RangeError;
      assert.ok(copy instanceof RangeError);
      assert.match(copy.message, /could not be read: its getter threw Error: no message/);
      assert.equal('secret' in copy, false);
      assert.equal(copy.stack, broken.stack);
      assert.deepEqual(round(Object.assign(Object.create(null), { a: 1 })), { a: 1 });
      // Structured clone refuses the function, and String() has no toString to call; JSON drops it.
      const holder = Object.assign(Object.create(null), { f: () => 1 });
      assert.deepEqual(round(holder), round === roundTrip ? '[object Object]' : {});
    }
  });

  it('keeps cycles and shared errors as one object, in both encodings', () => {
    const shared = new TypeError('shared');
    const top = new AggregateError([shared, shared], 'top');
    (top as { cause?: unknown }).cause = top;
    for (const round of [roundTrip, jsonRoundTrip]) {
      const copy = round(top) as AggregateError;
      assert.equal(copy.cause, copy);
      assert.ok(copy.errors[0] instanceof TypeError);
      assert.equal(copy.errors[0], copy.errors[1]);
    }
  });
});
