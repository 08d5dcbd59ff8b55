/**
 * Messages between the pool and a worker (thread or process). Jobs and results
 * travel as flat arrays, several per message, because the fixed cost of a
 * message (serialization header, wake-up, event dispatch) dwarfs a tiny task.
 */

/** Parent -> worker: new task definitions, then jobs. */
export interface RunMessage {
  /** Task definitions the worker has not seen yet: [ref, moduleUrl, name, ...]. */
  d?: unknown[];
  /** Jobs: [id, ref, mode, payload, ...]. */
  j: unknown[];
}

/** Parent -> worker: reply to a channel request. */
export interface ReplyMessage {
  a: number;
  ok: boolean;
  v: unknown;
}

/** Parent -> worker: finish and exit. */
export interface ExitMessage {
  x: 1;
}

export type ToWorker = RunMessage | ReplyMessage | ExitMessage;

export const ResultStatus = Object.freeze({ Ok: 0, Error: 1 } as const);

/**
 * Worker -> parent: results [id, status, value, runMs, ...]. A negative runMs is the
 * first run of that task in that worker, which includes compiling it; its duration is -runMs.
 */
export interface ResultsMessage {
  r: unknown[];
}

/** Worker -> parent: the initializer has run; jobs may come. */
export interface ReadyMessage {
  ready: 1;
}

/** Worker -> parent: the worker could not start (initializer threw). */
export interface StartFailedMessage {
  fail: unknown;
}

/** Worker -> parent: a request on a named channel (see runtime/wire.ts). */
export interface RequestMessage {
  q: number;
  c: string;
  m: unknown;
}

export type FromWorker = ResultsMessage | ReadyMessage | StartFailedMessage | RequestMessage;

/** What a worker is told at start. */
export interface WorkerSetup {
  concurrency: number;
  initializer: { url: string; name: string; args: unknown[] } | undefined;
}
