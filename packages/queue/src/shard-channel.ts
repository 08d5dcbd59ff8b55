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
 * Subscribes `client` to `channels`, sharded (classic on a Redis before 7), and
 * passes every message to `heard`. ioredis subscribes again after a reconnect.
 */
export async function shardSubscribe(
  client: RedisClient,
  channels: readonly string[],
  heard: (channel: string, message: string) => void,
): Promise<void> {
  client.on('smessage', heard);
  client.on('message', heard);
  try {
    await client.ssubscribe(...channels);
  } catch (error) {
    if (!unknownCommand(error)) throw error;
    await client.subscribe(...channels);
  }
}
