// A subscription on one server (plain or through Sentinel) that the connection lost
// without noticing (ioredis subscribes again after a reconnect only once, and that
// command may fail on a replica just promoted) comes back by itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { shardSubscribe } from '../../packages/queue/src/shard-channel.ts';
import { redisForThisFile, until } from './harness.ts';

const redis = redisForThisFile();

test('a sharded subscription lost on the server is renewed, and messages are heard again', async () => {
  const subscriber = new Redis(redis.port, '127.0.0.1');
  const publisher = new Redis(redis.port, '127.0.0.1');
  try {
    const heard: string[] = [];
    await shardSubscribe(subscriber, ['concur:test:start'], (_channel, message) => {
      heard.push(message);
    });
    await publisher.spublish('concur:test:start', 'before');
    await until('the first message', () => heard.includes('before'));
    // The subscription goes away as a failed re-subscription would leave it.
    await subscriber.sunsubscribe('concur:test:start');
    assert.equal(await publisher.spublish('concur:test:start', 'lost'), 0, 'nobody listens');
    // A worker asks again every second; here, every 100 ms until heard.
    let n = 0;
    await until(
      'a message after the subscription was renewed',
      async () => {
        await publisher.spublish('concur:test:start', `again ${n++}`);
        return heard.some((m) => m.startsWith('again'));
      },
      10_000,
    );
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
  }
});
