import { ProgramRerunError } from '../errors/errors.ts';
import { entryPath, isModuleAt } from './entry-module.ts';

// A program file that is also its own task module runs again in every worker that
// imports it to find a task, unless it guards its program part with `if (!inWorker())`.
// Unguarded, each worker repeated the program's output and started pools of its own,
// whose workers did the same, without end. The parent tells each worker the file it
// runs; a worker that imports that file and sees no inWorker() call meanwhile tells
// the parent, which warns once, and a pool created during that import refuses tasks.

/** Per thread, shared by every copy of concur loaded in it (like the task registry). */
interface RerunState {
  /** In a worker: the file its parent runs. */
  parentEntry: string | undefined;
  /** Calls of inWorker() so far. */
  inWorkerCalls: number;
  /** inWorker() calls when the import of the parent's file began; undefined outside it. */
  callsAtImport: number | undefined;
  /** The parent's file has been imported here once already: later imports run nothing. */
  entryImported: boolean;
  /** In a worker: sends the path of the parent's file to the parent, which warns. */
  tell: ((path: string) => void) | undefined;
  /** The parent has warned; once per process is enough. */
  warned: boolean;
}

const kState = Symbol.for('concur.program-rerun');

function state(): RerunState {
  const holder = globalThis as { [kState]?: RerunState };
  holder[kState] ??= {
    parentEntry: undefined,
    inWorkerCalls: 0,
    callsAtImport: undefined,
    entryImported: false,
    tell: undefined,
    warned: false,
  };
  return holder[kState];
}

/** Counted by inWorker(): a module that calls it while it loads guards its program part. */
export function noteInWorkerCall(): void {
  state().inWorkerCalls++;
}

/** The file a pool's workers are told their parent runs: in a worker, still the program's. */
export function programEntry(): string | undefined {
  return state().parentEntry ?? entryPath();
}

// ---- in a worker ----------------------------------------------------------------------

/** Called at a worker's start with the file its parent runs, and how to tell the parent. */
export function watchParentEntry(path: string | undefined, tell: (path: string) => void): void {
  const s = state();
  s.parentEntry = path;
  s.tell = tell;
}

/**
 * Runs `load`, an import of `url`. If `url` is the parent's file, imported here for the
 * first time, and inWorker() was not called while it loaded, tells the parent. Another
 * module loading at the same time may call inWorker() in that window too: the check
 * then stays quiet, which is the side to err on.
 */
export async function importWatched<T>(url: string, load: () => Promise<T>): Promise<T> {
  const s = state();
  const path = s.parentEntry;
  if (path === undefined || s.entryImported || !isModuleAt(url, path)) return load();
  s.entryImported = true;
  const before = s.inWorkerCalls;
  s.callsAtImport = before;
  let failure: unknown;
  try {
    return await load();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    s.callsAtImport = undefined;
    if (s.inWorkerCalls === before && !isLoaderError(failure)) s.tell?.(path);
  }
}

/** The loader's own errors (no loader for .ts, say) mean the module never ran. */
function isLoaderError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_');
}

/**
 * For a pool created here and now: if this worker is importing its parent's program
 * file and no inWorker() call has guarded it so far, the error its tasks get.
 */
export function rerunRefusal(executor: string): (() => ProgramRerunError) | undefined {
  const s = state();
  const path = s.parentEntry;
  if (path === undefined || s.callsAtImport === undefined || s.inWorkerCalls !== s.callsAtImport)
    return undefined;
  return () =>
    new ProgramRerunError(
      `This ${executor} was created in a worker while the worker imported ${path}, the program's own file, to find a task: the program is running again inside the worker. ` +
        'The pool refuses tasks, so that workers do not start workers without end. ' +
        `Put the program part of ${path} inside \`if (!inWorker()) { ... }\` (inWorker is exported by concur), or move the tasks into a module of their own.`,
    );
}

// ---- in the parent ---------------------------------------------------------------------

/** A worker re-ran the program at `path`: warn, once per process. */
export function warnProgramRerun(path: string): void {
  const s = state();
  if (s.warned) return;
  s.warned = true;
  process.emitWarning(
    `${path} is both this program and a module of its tasks, and it ran its program part again in a worker that imported it to find a task (it did not call inWorker() while it loaded). ` +
      'Every worker repeats the program: its output, its work, and its pools, which refuse tasks there (ProgramRerunError). ' +
      `Put the program part of ${path} inside \`if (!inWorker()) { ... }\` (inWorker is exported by concur), or move the tasks into a module of their own.`,
    { code: 'CONCUR_WARN_PROGRAM_RERUN' },
  );
}
