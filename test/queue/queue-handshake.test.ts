// The start handshake travels on sharded pub/sub (a cluster does not copy it to every
// node), and the executor answers on a connection that sends no job adds (answers
// never wait behind a burst of adds). Counts Redis commands on a server of its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { freshQueue, redisForThisFile, startWorker, until } from './harness.ts';

const redis = redisForThisFile();

async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await client.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m) calls.set(m[1]!, Number(m[2]));
  }
  return calls;
}

/** The last command each named client sent, from CLIENT LIST. */
async function lastCommands(client: Redis): Promise<Map<string, string[]>> {
  const byName = new Map<string, string[]>();
  for (const line of ((await client.client('LIST')) as string).split('\n')) {
    const name = /\bname=(\S*)/.exec(line)?.[1];
    const cmd = /\bcmd=(\S*)/.exec(line)?.[1];
    if (name && cmd) byName.set(name, [...(byName.get(name) ?? []), cmd]);
  }
  return byName;
}

describe('the start handshake', () => {
  test('uses sharded pub/sub only, and the executor answers on a connection that adds no jobs', async () => {
    const queue = freshQueue('handshake');
    const admin = new Redis(redis.port, '127.0.0.1');
    const worker = await startWorker(redis.url, queue, ['--model', 'async']);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    try {
      await admin.config('RESETSTAT');
      const n = 20;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => executor.submit(add, i, 1)),
      );
      assert.deepEqual(
        results,
        Array.from({ length: n }, (_, i) => i + 1),
      );
      executor.submit(add, 0, 0).cancel();
      const calls = await commandCalls(admin);
      assert.equal(
        calls.get('publish') ?? 0,
        0,
        'no classic PUBLISH: a cluster copies it to every node',
      );
      assert.ok((calls.get('spublish') ?? 0) >= 2 * n, 'a request and an answer per job');
      const clients = await lastCommands(admin);
      assert.deepEqual(clients.get('concur:executor-answer'), ['spublish']);
      assert.deepEqual(clients.get('concur:executor-start'), ['ssubscribe']);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop();
      admin.disconnect();
    }
  });

  test('an answer goes out while a burst of adds is still being sent, not after its last add', async () => {
    const queue = freshQueue('handshake-burst');
    const admin = new Redis(redis.port, '127.0.0.1');
    const listener = new Redis(redis.port, '127.0.0.1');
    const executor = new QueueExecutor({ connection: redis.url, queue });
    try {
      let channel: string | undefined;
      await until('the executor to listen for start requests', async () => {
        const channels = (await admin.call('PUBSUB', 'SHARDCHANNELS')) as string[];
        channel = channels.find((c) => c.startsWith(`concur:${queue}:concur-start:`));
        return channel !== undefined;
      });
      const reply = `concur:${queue}:concur-reply:test`;
      await listener.ssubscribe(reply);
      const answered = new Promise<string>((resolve) =>
        listener.once('smessage', (_c, m) => resolve(m)),
      );
      const n = 5000;
      // No worker: every job stays waiting, so the wait list counts the adds Redis ran.
      const futures = Array.from({ length: n }, (_, i) => executor.submit(add, i, 0));
      for (const f of futures) f.catch(() => {});
      // A request for a job it does not know: answered 'no', which is enough here.
      await admin.spublish(channel!, `no-such-job ${reply}`);
      assert.equal(await answered, 'no-such-job 0');
      const added = await admin.llen(`concur:${queue}:wait`);
      // Before, answers went out on the adds' connection after every add was queued on it.
      assert.ok(added < n, `the answer came after all ${n} adds`);
    } finally {
      await executor.shutdown({ cancelPending: true });
      listener.disconnect();
      admin.disconnect();
    }
  });
});
