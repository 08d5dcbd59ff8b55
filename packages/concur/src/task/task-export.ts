import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { InvalidTaskError } from '../errors/errors.ts';
import { type AnyTask, isTask } from './task.ts';

/**
 * The one rule for a task under every executor: its module exports it, under any name.
 * A worker imports the module and looks among its exports, as Python's pickle finds a
 * function by its module and qualified name; a task kept private, or made inside a
 * function (a closure), is not there.
 */
export function notExportedError(name: string, where: string): InvalidTaskError {
  return new InvalidTaskError(
    `${where} exports no task named \`${name}\`, and a worker finds a task among its module's exports. ` +
      `Write \`export const ${name} = task(import.meta.url, function ${name}(...) { ... })\` at the top level of ${where} ` +
      `(CommonJS: \`exports.${name} = task(__filename, function ${name}(...) { ... })\`). ` +
      'If it is made inside a function (a closure), move it to the top level and pass what it captured as arguments.',
  );
}

/** Whether `exports` (a module namespace or CommonJS exports) holds `task`. */
export function exportsTask(exports: unknown, task: AnyTask): boolean {
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function'))
    return false;
  for (const value of Object.values(exports as object)) {
    if (isTask(value) && value.taskName === task.taskName && value.fn === task.fn) return true;
  }
  // import() of a CommonJS module: module.exports is the default export.
  const fallback = (exports as { default?: unknown }).default;
  return fallback !== undefined && fallback !== exports && exportsTask(fallback, task);
}

/** A module URL as a reader expects it in a message: a file path for `file:` URLs. */
export function displayPath(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

type Verdict = true | InvalidTaskError | Promise<true | InvalidTaskError>;
const verdicts = new WeakMap<AnyTask, Verdict>();
/** Made on first use: createRequire costs ~0.3 ms of every import of concur (and worker start). */
let require: NodeJS.Require | undefined;

function judge(exports: unknown, task: AnyTask): true | InvalidTaskError {
  return exportsTask(exports, task)
    ? true
    : notExportedError(task.taskName, displayPath(task.moduleUrl));
}

/**
 * Caller side of the rule, for submit/map/starmap: true if the task's module exports it,
 * an InvalidTaskError if not, or a promise while that is not known yet. A CommonJS module
 * is read at once from require.cache. An ES module's namespace comes only from import(),
 * which settles once the module has finished loading: for a module still loading (a
 * program that is its own task module) the worker applies the same rule instead. A
 * module the caller cannot import here is left to the worker.
 */
export function checkExported(task: AnyTask): Verdict {
  const known = verdicts.get(task);
  if (known !== undefined) return known;
  let verdict: Verdict;
  // import.meta.url is undefined where a CommonJS bundle inlined concur: no cache to read.
  const cached =
    task.moduleUrl.startsWith('file:') && typeof import.meta.url === 'string'
      ? (require ??= createRequire(import.meta.url)).cache[fileURLToPath(task.moduleUrl)]
      : undefined;
  if (cached?.loaded === true) {
    verdict = judge(cached.exports, task);
  } else {
    verdict = import(task.moduleUrl).then(
      (namespace: unknown) => judge(namespace, task),
      () => true as const,
    );
    verdict.then((settled) => verdicts.set(task, settled));
  }
  verdicts.set(task, verdict);
  return verdict;
}
