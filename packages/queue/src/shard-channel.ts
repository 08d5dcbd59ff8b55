import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.ts';

/**
 * concur's own messages (start requests and answers, abort requests) travel on
 * sharded pub/sub (Redis 7): a cluster delivers SPUBLISH within the slot's shard,
 * where classic PUBLISH is copied to every node. Every channel is named under the
 * queue's prefix, so a hash-tagged prefix keeps them in the queue's slot. A Redis
 * before 7 refuses the sharded commands, and then both sides use classic pub/sub:
 * they talk to the same server, so they make the same choice.
 */
function unknownCommand(error: unknown): boolean {
  return /unknown command/i.test((error as Error | null)?.message ?? '');
}

/** Sends on sharded channels through `client`, or classic ones on a Redis before 7. */
export class ShardPublisher {
  readonly #client: RedisClient;
  #classic = false;

  constructor(client: RedisClient) {
    this.#client = client;
  }

  async publish(channel: string, message: string): Promise<void> {
    if (!this.#classic) {
      try {
        await this.#client.spublish(channel, message);
        return;
      } catch (error) {
        if (!unknownCommand(error)) throw error;
        this.#classic = true;
      }
    }
    await this.#client.publish(channel, message);
  }
}

/**
 * How often a subscription on one server is asked for again. ioredis subscribes again
 * after a reconnect, but only once: if that command fails (a replica just promoted by
 * Sentinel, still busy), the connection stays deaf, and a worker's start requests go
 * unanswered until it gives the job up (seen in the Sentinel failover test, 3 runs in
 * about 30). Subscribing to a channel already subscribed changes nothing.
 */
export const RESUBSCRIBE_MS = 2000;

/**
 * Subscribes `client` to `channels`, sharded (classic on a Redis before 7), and
 * passes every message to `heard`. On one server (plain or through Sentinel) the
 * subscription is renewed every RESUBSCRIBE_MS; a Cluster client keeps its own per shard.
 */
export async function shardSubscribe(
  client: RedisClient,
  channels: readonly string[],
  heard: (channel: string, message: string) => void,
): Promise<void> {
  client.on('smessage', heard);
  client.on('message', heard);
  let classic = false;
  const subscribe = async (): Promise<void> => {
    if (!classic) {
      try {
        await client.ssubscribe(...channels);
        return;
      } catch (error) {
        if (!unknownCommand(error)) throw error;
        classic = true;
      }
    }
    await client.subscribe(...channels);
  };
  await subscribe();
  if (client instanceof Cluster) return;
  const renew = setInterval(() => {
    if (client.status === 'ready') subscribe().catch(() => {});
  }, RESUBSCRIBE_MS);
  renew.unref();
  client.once('end', () => clearInterval(renew));
}
