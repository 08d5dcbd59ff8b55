import { Redis } from 'ioredis';
import type { RedisClientOptions } from './connection.ts';

/**
 * Executor side of the start handshake. `future.cancel()` answers at once, so
 * whether a job may still be cancelled cannot be settled by a later reply from
 * Redis: a worker that takes a job asks its executor here before running it,
 * and the executor's own event loop answers, the same loop that answers
 * cancel(). Whichever comes first wins and the other sees it: a job answered
 * "go" is running (cancel() returns false), a cancelled job is answered "no".
 */
export class StartGate {
  readonly #subscriber: Redis;
  readonly #ready: Promise<void>;

  /** `decide(id)` is true if the job may start; it marks the job running. */
  constructor(
    redis: RedisClientOptions,
    channel: string,
    publisher: Redis,
    decide: (id: string) => boolean,
  ) {
    this.#subscriber = new Redis({ ...redis, connectionName: 'concur:executor-start' });
    this.#subscriber.on('error', () => {
      // ioredis reconnects and subscribes again; a worker asks again until answered.
    });
    this.#subscriber.on('message', (_channel: string, message: string) => {
      const space = message.indexOf(' ');
      if (space <= 0) return;
      const id = message.slice(0, space);
      const go = decide(id);
      publisher.publish(message.slice(space + 1), `${id} ${go ? 1 : 0}`).catch(() => {});
    });
    this.#ready = this.#subscriber.subscribe(channel).then(() => {});
    this.#ready.catch(() => {});
  }

  /** Resolves once workers' requests are heard. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  close(): void {
    this.#subscriber.disconnect();
  }
}
