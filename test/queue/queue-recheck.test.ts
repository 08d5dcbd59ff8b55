// The periodic re-check of pending jobs: linear in the jobs, and silent when the event
// stream missed nothing. Counts Redis commands (INFO commandstats) on a server of its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { freshQueue, inspector, redisForThisFile, until } from './harness.ts';

const redis = redisForThisFile();

/** Calls per command since the last CONFIG RESETSTAT, Lua's own calls included. */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await client.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m) calls.set(m[1]!, Number(m[2]));
  }
  return calls;
}

const N = 300;

describe('the re-check of pending jobs', () => {
  test('sends one XINFO per interval and reads no job while the event stream missed nothing', async () => {
    const queue = freshQueue('recheck-quiet');
    const admin = new Redis(redis.port, '127.0.0.1');
    const inspect = inspector(redis.port, queue);
    const executor = new QueueExecutor({ connection: redis.url, queue, reconcileIntervalMs: 20 });
    try {
      // No worker: every job stays waiting, so every job stays pending.
      const futures = Array.from({ length: N }, (_, i) => executor.submit(add, i, 0));
      for (const f of futures) f.catch(() => {});
      await until('the jobs to be added', async () => (await inspect.getWaitingCount()) === N);
      await admin.config('RESETSTAT');
      // The old re-check scanned the wait list for each job (LPOS inside getState's script).
      await until('three re-checks', async () => {
        const calls = await commandCalls(admin);
        return (calls.get('xinfo|stream') ?? 0) >= 3 || (calls.get('lpos') ?? 0) > 0;
      });
      const calls = await commandCalls(admin);
      assert.equal(calls.get('lpos') ?? 0, 0, 'no list scan');
      assert.equal(calls.get('hmget') ?? 0, 0, 'no job read');
      assert.equal(calls.get('evalsha') ?? 0, 0, 'no script');
    } finally {
      await executor.shutdown({ cancelPending: true });
      await inspect.close();
      admin.disconnect();
    }
  });

  test('after the stream lost entries not yet read, reads each pending job once, with no list scan, and finds a result the stream never carried', async () => {
    const queue = freshQueue('recheck-missed');
    const admin = new Redis(redis.port, '127.0.0.1');
    const inspect = inspector(redis.port, queue);
    const executor = new QueueExecutor({ connection: redis.url, queue, reconcileIntervalMs: 20 });
    try {
      const futures = Array.from({ length: N }, (_, i) => executor.submit(add, i, 0));
      for (const f of futures) f.catch(() => {});
      await until('the jobs to be added', async () => (await inspect.getWaitingCount()) === N);
      // Complete one job as a worker would, without the event that says so.
      const [job] = await inspect.getWaiting(0, 0);
      const id = job!.id!;
      const key = `concur:${queue}`;
      await admin
        .multi()
        .lrem(`${key}:wait`, 0, id)
        .zadd(`${key}:completed`, Date.now(), id)
        .hset(`${key}:${id}`, 'finishedOn', Date.now(), 'returnvalue', '{"v":"-1","ms":1}')
        .exec();
      await admin.config('RESETSTAT');
      // An entry the listener never reads: trimmed in the same transaction that added it.
      await admin
        .multi()
        .xadd(`${key}:events`, '*', 'event', 'x')
        .xtrim(`${key}:events`, 'MAXLEN', 0)
        .exec();
      await until('the result found by the re-check', () =>
        futures.some((f) => f.state === 'fulfilled'),
      );
      const settled = futures.filter((f) => f.state === 'fulfilled');
      assert.equal(settled.length, 1);
      assert.equal(await settled[0], -1);
      const xinfoThen = (await commandCalls(admin)).get('xinfo|stream') ?? 0;
      await until('two more re-checks', async () => {
        const calls = await commandCalls(admin);
        return (calls.get('xinfo|stream') ?? 0) >= xinfoThen + 2 || (calls.get('lpos') ?? 0) > 0;
      });
      const calls = await commandCalls(admin);
      assert.equal(calls.get('lpos') ?? 0, 0, 'no list scan');
      assert.equal(calls.get('hmget'), N, 'each pending job read once, then never again');
    } finally {
      await executor.shutdown({ cancelPending: true });
      await inspect.close();
      admin.disconnect();
    }
  });
});
