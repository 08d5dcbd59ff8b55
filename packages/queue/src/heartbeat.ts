import type { RedisClient } from './redis-client.ts';

/**
 * Executor side of liveness: keeps the executor's alive key (see aliveKey()) in
 * Redis while the executor runs. The key is written every `beatMs` and expires
 * after three, and it is written again as soon as the connection is back after a
 * reconnect (a restarted Redis may have lost it). Workers read it to tell an
 * executor that is slow to answer from one that died without shutting down.
 */
export class Heartbeat {
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #beatMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #beat = (): void => {
    this.#client.set(this.#key, '1', 'PX', this.#beatMs * 3).catch(() => {
      // Redis unreachable: the client's 'ready' writes it again once it is back.
    });
  };

  constructor(client: RedisClient, key: string, beatMs: number) {
    this.#client = client;
    this.#key = key;
    this.#beatMs = beatMs;
    this.#client.on('ready', this.#beat);
    this.#beat();
    this.#timer = setInterval(this.#beat, beatMs);
    // Liveness must not keep the process alive by itself.
    this.#timer.unref();
  }

  /** Stops writing; the key expires by itself unless the caller deletes it. */
  stop(): void {
    clearInterval(this.#timer);
    this.#client.off('ready', this.#beat);
  }
}
