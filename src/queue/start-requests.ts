import type { Redis } from 'ioredis';
import { closedKey, startChannel } from './job-data.ts';

/** How often an unanswered start request is sent again (pub/sub drops messages across a reconnect). */
const ASK_AGAIN_MS = 1000;

/**
 * How long a worker waits for the submitting executor to answer before it gives the
 * job up. An executor that shut down is known at once (its closed key); this is for
 * one that died without shutting down.
 */
export const START_ANSWER_MS = 30_000;

/** `go`: run it; `no`: cancelled, or its executor has shut down; `silent`: the executor never answered; `closed`: the worker is stopping. */
export type StartAnswer = 'go' | 'no' | 'silent' | 'closed';

/**
 * Worker side of the start handshake (see StartGate): before running a job, ask
 * the executor that submitted it whether it still wants it, and wait for the answer.
 */
export class StartRequests {
  readonly #publisher: Redis;
  readonly #prefix: string;
  readonly #queue: string;
  readonly #reply: string;
  readonly #waiting = new Map<string, ((answer: StartAnswer) => void)[]>();

  constructor(publisher: Redis, prefix: string, queue: string, reply: string) {
    this.#publisher = publisher;
    this.#prefix = prefix;
    this.#queue = queue;
    this.#reply = reply;
  }

  /** The channel answers come back on; the worker subscribes to it and passes them to answer(). */
  get replyChannel(): string {
    return this.#reply;
  }

  /** Asks executor `from` whether job `id` may start. */
  ask(id: string, from: string): Promise<StartAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      const channel = startChannel(this.#prefix, this.#queue, from);
      const closed = closedKey(this.#prefix, this.#queue, from);
      const send = () => {
        this.#publisher.publish(channel, `${id} ${this.#reply}`).catch(() => {});
        this.#publisher.exists(closed).then(
          (n) => {
            if (n > 0) done('no');
          },
          () => {},
        );
      };
      const again = setInterval(send, ASK_AGAIN_MS);
      const giveUp = setTimeout(() => done('silent'), START_ANSWER_MS);
      const done = (answer: StartAnswer) => {
        if (settled) return;
        settled = true;
        clearInterval(again);
        clearTimeout(giveUp);
        const list = this.#waiting.get(id);
        if (list !== undefined) {
          const rest = list.filter((r) => r !== done);
          if (rest.length > 0) this.#waiting.set(id, rest);
          else this.#waiting.delete(id);
        }
        resolve(answer);
      };
      const list = this.#waiting.get(id);
      if (list === undefined) this.#waiting.set(id, [done]);
      else list.push(done);
      send();
    });
  }

  /** A message on the reply channel: `<job id> 1|0`. */
  answer(message: string): void {
    const space = message.lastIndexOf(' ');
    const list = this.#waiting.get(message.slice(0, space));
    if (list === undefined) return;
    const answer = message.slice(space + 1) === '1' ? 'go' : 'no';
    for (const done of [...list]) done(answer);
  }

  /** Settles every request still waiting with 'closed'. */
  close(): void {
    for (const list of [...this.#waiting.values()]) for (const done of [...list]) done('closed');
  }
}
