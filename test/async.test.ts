import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTasksAtOnce } from '../packages/concur/src/backend.ts';
import { AsyncExecutor, CancelledError } from '../packages/concur/src/index.ts';
import { events, mark, spin } from './fixtures/order-tasks.ts';
import { executorSuite } from './shared/executor-suite.ts';

executorSuite('async', (options) => new AsyncExecutor({ concurrency: 2, ...options }), {
  capacity: 2,
  runtime: 'in-process',
});

// The queue worker's local executor: the same behaviour, tasks started in a microtask.
executorSuite(
  'async, started at once',
  (options) => {
    const executor = new AsyncExecutor({ concurrency: 2, ...options });
    startTasksAtOnce(executor);
    return executor;
  },
  { capacity: 2, runtime: 'in-process' },
);

describe('startTasksAtOnce', () => {
  // Found by an outside trial: two 200 ms synchronous jobs back to back on a queue worker
  // kept BullMQ's lock renewal from running for 400 ms; locks expired, jobs ran twice.
  it('lets due timers run between two long synchronous tasks, the second submitted as the first ends', async () => {
    const executor = new AsyncExecutor({ concurrency: 1 });
    startTasksAtOnce(executor);
    // Once its module's exports are known, a task starts without waiting for anything.
    await executor.submit(spin, 0, 'warm-up');
    events.length = 0;
    const first = executor.submit(spin, 30, 'first');
    const second = first.then(() => executor.submit(spin, 30, 'second'));
    setTimeout(() => events.push('timer'), 5);
    assert.equal(await second, 'second');
    assert.deepEqual(events, ['first', 'timer', 'second']);
    await executor.shutdown();
  });

  for (const atOnce of [false, true]) {
    it(`${atOnce ? 'starts a task before' : 'without it, a task starts on'} the event loop's next turn; cancel() right after submit() wins either way`, async () => {
      const executor = new AsyncExecutor({ concurrency: 1 });
      if (atOnce) startTasksAtOnce(executor);
      events.length = 0;
      setImmediate(() => events.push('next turn'));
      const cancelled = executor.submit(mark, 'cancelled');
      const future = executor.submit(mark, 'task');
      assert.equal(future.state, 'pending', 'submit() returns before the task runs');
      assert.equal(cancelled.cancel(), true);
      assert.equal(await future, 'task');
      await assert.rejects(cancelled, CancelledError);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(events, atOnce ? ['task', 'next turn'] : ['next turn', 'task']);
      await executor.shutdown();
    });
  }
});
