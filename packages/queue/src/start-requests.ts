import { aliveKey, closedKey, startChannel } from './job-data.ts';
import type { RedisClient } from './redis-client.ts';
import { ShardPublisher } from './shard-channel.ts';

/** How often an unanswered start request is sent again (pub/sub drops messages across a reconnect). */
const ASK_AGAIN_MS = 1000;

/**
 * How long a worker waits for an executor that is alive (its alive key is there) but
 * does not answer, before it gives the job up.
 */
export const START_ANSWER_MS = 30_000;

/**
 * Least time an executor's alive key must have been seen missing, on every check,
 * before the executor counts as gone. After a Redis restart the executor writes the
 * key again once it has reconnected; ioredis waits up to 2 s between attempts.
 */
const GONE_FLOOR_MS = 5000;

/** Executors remembered as gone, so their other jobs are dropped after one read. */
const GONE_REMEMBERED = 1000;

/** How long an executor that refreshes its alive key every `beatMs` may miss it before it counts as gone. */
export function goneAfterMs(beatMs: number): number {
  return Math.max(3 * beatMs, GONE_FLOOR_MS);
}

/**
 * `go`: run it; `no`: cancelled, or its executor has shut down; `gone`: the executor
 * died (no sign of life); `silent`: alive but never answered; `closed`: the worker is stopping.
 */
export type StartAnswer = 'go' | 'no' | 'gone' | 'silent' | 'closed';

/**
 * Worker side of the start handshake (see StartGate): before running a job, ask
 * the executor that submitted it whether it still wants it, and wait for the answer.
 * While waiting, it reads the executor's closed key (it shut down: no) and alive key
 * (see Heartbeat: missing for goneAfterMs() means it died).
 */
export class StartRequests {
  readonly #publisher: RedisClient;
  readonly #requests: ShardPublisher;
  readonly #prefix: string;
  readonly #queue: string;
  readonly #reply: string;
  readonly #waiting = new Map<string, ((answer: StartAnswer) => void)[]>();
  /** Executors found gone, oldest first. */
  readonly #gone = new Set<string>();

  constructor(publisher: RedisClient, prefix: string, queue: string, reply: string) {
    this.#publisher = publisher;
    this.#requests = new ShardPublisher(publisher);
    this.#prefix = prefix;
    this.#queue = queue;
    this.#reply = reply;
  }

  /** The channel answers come back on; the worker subscribes to it and passes them to answer(). */
  get replyChannel(): string {
    return this.#reply;
  }

  /** Asks executor `from`, which refreshes its alive key every `beatMs`, whether job `id` may start. */
  ask(id: string, from: string, beatMs: number): Promise<StartAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      /** When the alive key was first seen missing, in an unbroken run of checks that saw it missing. */
      let missingSince: number | undefined;
      const channel = startChannel(this.#prefix, this.#queue, from);
      const closed = closedKey(this.#prefix, this.#queue, from);
      const alive = aliveKey(this.#prefix, this.#queue, from);
      const check = () => {
        this.#requests.publish(channel, `${id} ${this.#reply}`).catch(() => {});
        this.#publisher.mget(closed, alive).then(
          ([isClosed, isAlive]) => {
            if (isClosed !== null) return done('no');
            if (isAlive !== null) {
              missingSince = undefined;
              this.#gone.delete(from);
              return;
            }
            const now = performance.now();
            missingSince ??= now;
            if (this.#gone.has(from) || now - missingSince >= goneAfterMs(beatMs)) {
              this.#markGone(from);
              done('gone');
            }
          },
          () => {
            // Redis unreachable: no evidence either way, so the missing run starts over.
            missingSince = undefined;
          },
        );
      };
      const again = setInterval(check, Math.min(ASK_AGAIN_MS, beatMs));
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
      check();
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

  #markGone(from: string): void {
    this.#gone.delete(from);
    this.#gone.add(from);
    if (this.#gone.size > GONE_REMEMBERED) this.#gone.delete(this.#gone.values().next().value!);
  }
}
