import type { RedisClientOptions } from './connection.ts';
import { openRedis, type RedisClient } from './redis-client.ts';
import { ShardPublisher, shardSubscribe } from './shard-channel.ts';

/**
 * Executor side of the start handshake. `future.cancel()` answers at once, so
 * whether a job may still be cancelled cannot be settled by a later reply from
 * Redis: a worker that takes a job asks its executor here before running it,
 * and the executor's own event loop answers, the same loop that answers
 * cancel(). Whichever comes first wins and the other sees it: a job answered
 * "go" is running (cancel() returns false), a cancelled job is answered "no".
 *
 * Answers go out on a connection of their own: on the executor's command connection
 * they waited behind every job add queued before them, so in a burst of 5,000 adds
 * the first job started only after the last add (0.4-1.9 s).
 */
export class StartGate {
  readonly #subscriber: RedisClient;
  readonly #answers: RedisClient;
  readonly #ready: Promise<void>;

  /** `decide(id)` is true if the job may start; it marks the job running. */
  constructor(redis: RedisClientOptions, channel: string, decide: (id: string) => boolean) {
    this.#subscriber = openRedis(redis, 'concur:executor-start', true);
    this.#answers = openRedis(redis, 'concur:executor-answer');
    for (const client of [this.#subscriber, this.#answers]) {
      client.on('error', () => {
        // ioredis reconnects and subscribes again; a worker asks again until answered.
      });
    }
    const publisher = new ShardPublisher(this.#answers);
    this.#ready = shardSubscribe(this.#subscriber, [channel], (_channel, message) => {
      const space = message.indexOf(' ');
      if (space <= 0) return;
      const id = message.slice(0, space);
      const go = decide(id);
      publisher.publish(message.slice(space + 1), `${id} ${go ? 1 : 0}`).catch(() => {});
    });
    this.#ready.catch(() => {});
  }

  /** Resolves once workers' requests are heard. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  close(): void {
    this.#subscriber.disconnect();
    this.#answers.disconnect();
  }
}
