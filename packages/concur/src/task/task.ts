import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidTaskError } from '../errors/errors.ts';
import { describeValue } from '../options/validate.ts';
import { registerTask } from './registry.ts';
import type { TaskContext } from './task-context.ts';

const kTask = Symbol.for('concur.task');

/** The function behind a task. `this` carries the call's abort signal. */
export type TaskFunction<A extends unknown[], R> = (this: TaskContext, ...args: A) => R;

/**
 * A reference to a function defined at the top level of a module, which a worker
 * thread or process can import by URL and name. Calling it runs the function here.
 */
export interface Task<A extends unknown[] = unknown[], R = unknown> {
  (...args: A): R;
  /** `file:` URL of the module that defines the task. */
  readonly moduleUrl: string;
  /** Name of the function; unique within its module. */
  readonly taskName: string;
  /** The function itself. */
  readonly fn: TaskFunction<A, R>;
}

/** A task of any signature, as executor backends hold them. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds tasks of every signature.
export type AnyTask = Task<any[], unknown>;

/** Arguments of a task. */
export type TaskArgs<T> = T extends Task<infer A, unknown> ? A : never;
/** Settled result of a task (promises unwrapped). */
export type TaskResult<T> = T extends Task<unknown[], infer R> ? Awaited<R> : never;

const HOW_TO =
  'Write `export const name = task(import.meta.url, function name(...) { ... })` at the top level of a module ' +
  '(CommonJS: `task(__filename, function name(...) { ... })`).';

function toModuleUrl(module: unknown): string {
  if (typeof module !== 'string' || module.length === 0) {
    throw new InvalidTaskError(
      `task() needs the module's URL as its first argument, got ${describeValue(module)}. ${HOW_TO}`,
    );
  }
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new InvalidTaskError(
    `task() needs a file: URL or an absolute path for the module, got ${describeValue(module)}: ` +
      `a worker must be able to import it. ${HOW_TO}`,
  );
}

/**
 * Declares a task: a named function at the top level of a module, which any
 * executor can run, in this thread, a worker thread or a child process.
 *
 * @example
 * export const search = task(import.meta.url, function search(needles: number[], size: number) {
 *   ...
 * });
 */
export function task<A extends unknown[], R>(module: string, fn: TaskFunction<A, R>): Task<A, R> {
  const moduleUrl = toModuleUrl(module);
  if (typeof fn !== 'function') {
    throw new InvalidTaskError(
      `task() needs a function as its second argument, got ${describeValue(fn)}. ${HOW_TO}`,
    );
  }
  const name = fn.name;
  if (!name || name === 'anonymous' || name.startsWith('bound ')) {
    throw new InvalidTaskError(
      `task() needs a named function: a worker finds the function by its name, and this one has none. ${HOW_TO}`,
    );
  }
  if (isTask(fn)) return fn as unknown as Task<A, R>;
  const call = function (this: unknown, ...args: A): R {
    return fn.apply(this as TaskContext, args);
  };
  Object.defineProperties(call, {
    name: { value: name },
    moduleUrl: { value: moduleUrl, enumerable: true },
    taskName: { value: name, enumerable: true },
    fn: { value: fn },
    [kTask]: { value: true },
  });
  const created = call as unknown as Task<A, R>;
  const existing = registerTask(created);
  if (existing !== undefined && existing.fn !== fn) {
    throw new InvalidTaskError(
      `task() was called twice for \`${name}\` in ${moduleUrl} with different functions. ` +
        'A task must be created once, at the top level of its module, not inside a function: ' +
        'a closure cannot travel to a worker, which only re-imports the module. ' +
        'Give each task its own name, and pass what the closure captured as arguments instead.',
    );
  }
  return (existing as Task<A, R> | undefined) ?? created;
}

/** True if `value` is a task made by `task()`. */
export function isTask(value: unknown): value is AnyTask {
  return typeof value === 'function' && (value as { [kTask]?: boolean })[kTask] === true;
}

/** Validates the first argument of submit/map/starmap. */
export function checkTask(value: unknown, where: string): AnyTask {
  if (!isTask(value)) {
    const what =
      typeof value === 'function'
        ? `a plain function (${value.name || 'anonymous'}), which cannot travel to a worker`
        : describeValue(value);
    throw new InvalidTaskError(`${where} needs a task created with task(), got ${what}. ${HOW_TO}`);
  }
  return value;
}
