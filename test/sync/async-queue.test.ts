import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import {
  AsyncLifoQueue,
  AsyncPriorityQueue,
  AsyncQueue,
  QueueShutDownError,
  QueueTaskDoneError,
  TimeoutError,
} from '../../packages/concur/src/index.ts';
import { leave } from './arbitraries.ts';
import { isLeaveError, ticks, waitOptions } from './helpers.ts';

type Kind = 'fifo' | 'lifo' | 'priority';
interface Item {
  readonly p: number;
  readonly tag: number;
}
type Cmd =
  | { op: 'put'; p: number }
  | { op: 'get' }
  | { op: 'tryPut'; p: number }
  | { op: 'tryGet' }
  | { op: 'abort'; which: number };

const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), p: fc.nat(3) }),
  fc.record({ op: fc.constant('get' as const) }),
  fc.record({ op: fc.constant('tryPut' as const), p: fc.nat(3) }),
  fc.record({ op: fc.constant('tryGet' as const) }),
  fc.record({ op: fc.constant('abort' as const), which: fc.nat(20) }),
);

function makeQueue(kind: Kind, maxsize: number): AsyncQueue<Item> {
  if (kind === 'fifo') return new AsyncQueue<Item>({ maxsize });
  if (kind === 'lifo') return new AsyncLifoQueue<Item>({ maxsize });
  return new AsyncPriorityQueue<Item>({ maxsize, compare: (a, b) => a.p - b.p });
}

/** The queue's specification, written as plainly as possible: arrays and linear scans. */
class Model {
  store: { item: Item; seq: number }[] = [];
  putters: { id: number; item: Item }[] = [];
  getters: { id: number }[] = [];
  results = new Map<number, unknown>();
  #seq = 0;
  constructor(
    readonly kind: Kind,
    readonly maxsize: number,
  ) {}

  put(id: number, item: Item): void {
    if (this.putters.length === 0 && this.store.length < this.maxsize) {
      this.#add(item);
      this.results.set(id, 'put');
    } else this.putters.push({ id, item });
  }
  tryPut(item: Item): boolean {
    if (this.putters.length > 0 || this.store.length >= this.maxsize) return false;
    this.#add(item);
    return true;
  }
  get(id: number): void {
    if (this.store.length > 0) this.results.set(id, this.#take());
    else this.getters.push({ id });
  }
  tryGet(): unknown {
    return this.store.length > 0 ? { ok: true, value: this.#take() } : { ok: false };
  }
  abort(id: number): void {
    this.putters = this.putters.filter((p) => p.id !== id);
    this.getters = this.getters.filter((g) => g.id !== id);
    this.results.set(id, 'left');
  }
  pendingIds(): number[] {
    return [...this.putters.map((p) => p.id), ...this.getters.map((g) => g.id)].sort(
      (a, b) => a - b,
    );
  }
  #add(item: Item): void {
    const getter = this.getters.shift();
    if (getter) this.results.set(getter.id, item);
    else this.store.push({ item, seq: this.#seq++ });
  }
  #take(): Item {
    let index = 0;
    if (this.kind === 'lifo') index = this.store.length - 1;
    if (this.kind === 'priority') {
      for (let i = 1; i < this.store.length; i++) {
        const a = this.store[i]!;
        const b = this.store[index]!;
        if (a.item.p < b.item.p || (a.item.p === b.item.p && a.seq < b.seq)) index = i;
      }
    }
    const [slot] = this.store.splice(index, 1);
    while (this.putters.length > 0 && this.store.length < this.maxsize) {
      const putter = this.putters.shift()!;
      this.results.set(putter.id, 'put');
      this.#add(putter.item);
    }
    return slot!.item;
  }
}

async function runAgainstModel(kind: Kind, maxsize: number, commands: Cmd[]): Promise<void> {
  const queue = makeQueue(kind, maxsize);
  const model = new Model(kind, maxsize);
  const results = new Map<number, unknown>();
  const controllers = new Map<number, AbortController>();
  let tag = 0;
  for (const [id, cmd] of commands.entries()) {
    if (cmd.op === 'put' || cmd.op === 'get') {
      const controller = new AbortController();
      controllers.set(id, controller);
      const options = { signal: controller.signal };
      const item = { p: cmd.op === 'put' ? cmd.p : 0, tag: tag++ };
      const promise =
        cmd.op === 'put' ? queue.put(item, options).then(() => 'put') : queue.get(options);
      promise.then(
        (value) => results.set(id, value),
        (error) => {
          assert.ok(isLeaveError(error), String(error));
          results.set(id, 'left');
        },
      );
      if (cmd.op === 'put') model.put(id, item);
      else model.get(id);
    } else if (cmd.op === 'tryPut') {
      const item = { p: cmd.p, tag: tag++ };
      assert.equal(queue.tryPut(item), model.tryPut(item));
    } else if (cmd.op === 'tryGet') {
      assert.deepEqual(queue.tryGet(), model.tryGet());
    } else {
      const pending = model.pendingIds();
      if (pending.length === 0) continue;
      const victim = pending[cmd.which % pending.length]!;
      controllers.get(victim)!.abort();
      model.abort(victim);
    }
    await ticks(1);
    assert.deepEqual(results, model.results, `after command ${id}: ${JSON.stringify(cmd)}`);
    assert.equal(queue.size, model.store.length);
  }
  for (const id of model.pendingIds()) controllers.get(id)!.abort();
}

describe('async queues (property, against a model)', () => {
  for (const kind of ['fifo', 'lifo', 'priority'] as const) {
    it(`${kind}: hands out every item exactly once, in its order, with aborted puts and gets`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(Number.POSITIVE_INFINITY)),
          fc.array(command, { maxLength: 40 }),
          (maxsize, commands) => runAgainstModel(kind, maxsize, commands),
        ),
        { numRuns: 120 },
      );
    });
  }
});

describe('AsyncQueue with concurrent producers and consumers (property)', () => {
  it('every item put is got exactly once, in FIFO order, with aborts and timeouts', async () => {
    const actor = fc.record({ startTick: fc.nat(5), leave });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(actor, { maxLength: 10 }),
        fc.array(actor, { maxLength: 10 }),
        async (maxsize, producers, consumers) => {
          const queue = new AsyncQueue<number>({ maxsize });
          const put: number[] = [];
          const got: number[] = [];
          let next = 0;
          const settled = Promise.all([
            ...producers.map(async (p) => {
              await ticks(p.startTick);
              const { options, arm } = waitOptions(p.leave);
              arm();
              const item = next++;
              try {
                await queue.put(item, options);
                put.push(item);
              } catch (error) {
                assert.ok(isLeaveError(error) || error instanceof QueueShutDownError);
              }
            }),
            ...consumers.map(async (c) => {
              await ticks(c.startTick);
              const { options, arm } = waitOptions(c.leave);
              arm();
              try {
                got.push(await queue.get(options));
              } catch (error) {
                assert.ok(isLeaveError(error) || error instanceof QueueShutDownError);
              }
            }),
          ]);
          // Once every actor has started and every timeout has fired, end the waits still blocked.
          await ticks(8);
          await sleep(5);
          queue.shutdown();
          await settled;
          while (queue.size > 0) got.push(await queue.get());
          // Puts enter in call order (FIFO putters), so sorting what was put gives the entry order.
          assert.deepEqual(
            got,
            [...put].sort((a, b) => a - b),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('AsyncQueue', () => {
  it('join resolves after taskDone for every item; too many taskDone throws', async () => {
    const queue = new AsyncQueue<number>();
    await queue.put(1);
    await queue.put(2);
    let joined = false;
    const join = queue.join().then(() => (joined = true));
    await queue.get();
    queue.taskDone();
    await ticks(1);
    assert.equal(joined, false);
    await queue.get();
    queue.taskDone();
    await join;
    assert.throws(() => queue.taskDone(), QueueTaskDoneError);
  });

  it('shutdown rejects waiting putters, and getters once empty', async () => {
    const queue = new AsyncQueue<number>({ maxsize: 1 });
    await queue.put(1);
    const blockedPut = queue.put(2);
    queue.shutdown();
    await assert.rejects(blockedPut, QueueShutDownError);
    await assert.rejects(queue.put(3), QueueShutDownError);
    assert.equal(await queue.get(), 1);
    await assert.rejects(queue.get(), QueueShutDownError);
  });

  it('shutdown({ immediate }) drops items, rejects getters and releases join', async () => {
    const queue = new AsyncQueue<number>();
    queue.tryPut(1);
    queue.tryPut(2);
    const join = queue.join();
    const waiting = new AsyncQueue<number>();
    const pending = waiting.get();
    waiting.shutdown({ immediate: true });
    await assert.rejects(pending, QueueShutDownError);
    queue.shutdown({ immediate: true });
    assert.equal(queue.size, 0);
    await join;
    await assert.rejects(queue.get(), QueueShutDownError);
    assert.throws(() => queue.tryGet(), QueueShutDownError);
  });

  it('a timed-out put leaves the queue as if it never waited', async () => {
    const queue = new AsyncQueue<string>({ maxsize: 1 });
    await queue.put('a');
    await assert.rejects(queue.put('b', { timeoutMs: 1 }), TimeoutError);
    assert.equal(await queue.get(), 'a');
    assert.deepEqual(queue.tryGet(), { ok: false });
  });

  it('refuses bad options with the common message', () => {
    assert.throws(
      () => new AsyncQueue({ maxsize: 0 }),
      /Expected `maxsize` to be an integer from 1 and up, or Infinity, got `0` \(number\)/,
    );
    assert.throws(() => new AsyncPriorityQueue({ compare: 3 as never }), /Expected `compare`/);
  });
});

describe('AsyncQueue options', () => {
  it('only a priority queue takes `compare`', () => {
    assert.throws(() => new AsyncQueue({ compare: () => 0 } as object), /Unknown option `compare`/);
    assert.doesNotThrow(() => new AsyncPriorityQueue<number>({ compare: (a, b) => b - a }));
  });
});

describe('AsyncQueue and AsyncPriorityQueue: odd values', () => {
  it('get() with an aborted signal on a shut-down queue that holds items rejects with AbortError and keeps them', async () => {
    const queue = new AsyncQueue<number>();
    await queue.put(1);
    await queue.put(2);
    queue.shutdown();
    await assert.rejects(queue.get({ signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(await queue.get(), 1);
    assert.equal(await queue.get(), 2);
    await assert.rejects(queue.get(), QueueShutDownError);
  });

  it('the default priority order refuses NaN and mixed types at put, so numbers come out sorted', async () => {
    const queue = new AsyncPriorityQueue<number | string>();
    await queue.put(3);
    await assert.rejects(queue.put(Number.NaN), {
      name: 'InvalidArgumentError',
      message: /Expected `item` to be a number \(not NaN\), like the first item.*pass `compare`/,
    });
    assert.throws(() => queue.tryPut('2'), /Expected `item` to be a number/);
    await queue.put(1);
    await queue.put(2);
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], [1, 2, 3]);
    await assert.rejects(
      new AsyncPriorityQueue().put({ p: 1 }),
      /a number \(not NaN\), a string or a bigint/,
    );
  });

  it('with `compare`, any key orders', async () => {
    const queue = new AsyncPriorityQueue<{ p: number | string }>({
      compare: (a, b) => String(a.p).localeCompare(String(b.p)),
    });
    for (const p of [3, 'a', 1]) await queue.put({ p });
    assert.deepEqual(
      [(await queue.get()).p, (await queue.get()).p, (await queue.get()).p],
      [1, 3, 'a'],
    );
  });
});
