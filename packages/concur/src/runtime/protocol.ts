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

/** Worker -> parent: the worker imported the parent's program file, which did not guard its program part. */
export interface ProgramRerunMessage {
  rerun: string;
}

export type FromWorker =
  | ResultsMessage
  | ReadyMessage
  | StartFailedMessage
  | RequestMessage
  | ProgramRerunMessage;

/** What a worker is told at start. */
export interface WorkerSetup {
  concurrency: number;
  /** `args` is the list, or its wired form when it holds primitives (see wire-walk.ts). */
  initializer: { url: string; name: string; args: unknown } | undefined;
  /** The file the parent program runs (see task/program-rerun.ts). */
  entry?: string | undefined;
}

/** Parent -> child process, first: its setup, who its parent is, and where to count jobs started. */
export interface ProcessSetup {
  setup: WorkerSetup;
  parent: number;
  /** The child's descriptor of its progress file (progress-file.ts); undefined: it sends Started frames. */
  progress: number | undefined;
}

/** Fields per task definition in RunMessage.d: ref, moduleUrl, name. */
export const DEF_FIELDS = 3;
/** Fields per job in RunMessage.j: id, ref, mode, payload. */
export const JOB_FIELDS = 4;
/** Fields per result in ResultsMessage.r: id, status, value, runMs. */
export const RESULT_FIELDS = 4;

/** Appends one job to a RunMessage's `j`. */
export function pushJob(
  wire: unknown[],
  id: number,
  ref: number,
  mode: number,
  payload: unknown,
): void {
  wire.push(id, ref, mode, payload);
}

/** The task ref of the `index`-th job of a RunMessage's `j`. */
export function jobRef(wire: unknown[], index: number): number {
  return wire[index * JOB_FIELDS + 1] as number;
}

/** The `index`-th job of a RunMessage's `j`, alone, to send by itself. */
export function oneJob(wire: unknown[], index: number): unknown[] {
  return wire.slice(index * JOB_FIELDS, (index + 1) * JOB_FIELDS);
}

/** Calls `each` for every result of a ResultsMessage's `r`. */
export function forEachResult(
  results: unknown[],
  each: (id: number, status: number, value: unknown, runMs: number) => void,
): void {
  for (let i = 0; i < results.length; i += RESULT_FIELDS) {
    each(results[i] as number, results[i + 1] as number, results[i + 2], results[i + 3] as number);
  }
}

/** Calls `each` for every definition of a RunMessage's `d`. */
export function forEachDef(
  defs: unknown[],
  each: (ref: number, moduleUrl: string, name: string) => void,
): void {
  for (let i = 0; i < defs.length; i += DEF_FIELDS) {
    each(defs[i] as number, defs[i + 1] as string, defs[i + 2] as string);
  }
}
