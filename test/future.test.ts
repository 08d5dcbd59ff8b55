import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cancelFuture,
  createFuture,
  onSettled,
  rejectFuture,
  resolveFuture,
  startFuture,
} from '../packages/concur/src/future/future.ts';
import { CancelledError } from '../packages/concur/src/index.ts';

describe('Future', () => {
  it('moves pending -> running -> fulfilled and resolves awaiters', async () => {
    const f = createFuture<number>();
    assert.equal(f.state, 'pending');
    assert.equal(startFuture(f), true);
    assert.equal(f.state, 'running');
    assert.equal(f.cancel(), false);
    resolveFuture(f, 42);
    assert.equal(f.state, 'fulfilled');
    assert.equal(f.value, 42);
    assert.equal(await f, 42);
  });

  it('cancel() is true only while pending, and tells the canceller', async () => {
    const tokens: unknown[] = [];
    const f = createFuture<number>({ futureCancelled: (t) => tokens.push(t) }, 'job-1');
    assert.equal(f.cancel(), true);
    assert.equal(f.cancel(), true, 'cancelling again still reports cancelled');
    assert.deepEqual(tokens, ['job-1']);
    assert.equal(f.state, 'cancelled');
    await assert.rejects(f, CancelledError);
    assert.equal(startFuture(f), false);
  });

  it('settles once: later settle calls are ignored', async () => {
    const f = createFuture<string>();
    rejectFuture(f, new TypeError('first'));
    resolveFuture(f, 'late');
    cancelFuture(f);
    assert.equal(f.state, 'rejected');
    await assert.rejects(f, { name: 'TypeError', message: 'first' });
  });

  it('does not raise an unhandled rejection when nobody awaits it', async () => {
    let unhandled = 0;
    const count = () => unhandled++;
    process.on('unhandledRejection', count);
    const f = createFuture<number>();
    void f.then(undefined, () => {});
    rejectFuture(f, new Error('ignored'));
    const g = createFuture<number>();
    rejectFuture(g, new Error('never awaited'));
    // Awaited while pending, rejected later: the reaction attached at once handles it.
    const h = createFuture<number>();
    const caught = h.catch(() => 'caught');
    const k = createFuture<number>();
    const awaited = (async () => {
      try {
        return await k;
      } catch {
        return 'awaited';
      }
    })();
    rejectFuture(h, new Error('caught later'));
    rejectFuture(k, new Error('awaited later'));
    assert.deepEqual(await Promise.all([caught, awaited]), ['caught', 'awaited']);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', count);
    assert.equal(unhandled, 0);
  });

  it('onSettled runs listeners in settle order, at once if already settled', () => {
    const seen: string[] = [];
    const f = createFuture<number>();
    onSettled(f, () => seen.push('a'));
    onSettled(f, () => seen.push('b'));
    resolveFuture(f, 1);
    onSettled(f, () => seen.push('c'));
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });
});
