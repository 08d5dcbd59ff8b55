import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidTaskError } from 'concur';
import type { AnyTask } from 'concur/backend';

/**
 * How a job names its task: a module path relative to the tasks root, with `/`
 * separators, and the task's name. Never a file URL of the submitting machine,
 * which would mean nothing (or something else) on a worker's machine.
 */
export interface TaskIdentity {
  readonly module: string;
  readonly name: string;
}

const cache = new WeakMap<AnyTask, Map<string, TaskIdentity>>();

/**
 * Submitter side. `tasksRoot` is the folder that plays the role of the worker's
 * `--tasks-root`; by default the task's own folder, so a task in `tasks.ts` is
 * named `tasks.ts` and a worker started with `--tasks ./tasks.js` finds it.
 */
export function taskIdentity(task: AnyTask, tasksRoot: string | undefined): TaskIdentity {
  const key = tasksRoot ?? '';
  let byRoot = cache.get(task);
  const hit = byRoot?.get(key);
  if (hit !== undefined) return hit;
  if (!task.moduleUrl.startsWith('file:')) {
    throw new InvalidTaskError(
      `Task \`${task.taskName}\` comes from ${task.moduleUrl}, which is not a file: a queue worker runs only tasks of the modules it imports from files (--tasks)`,
    );
  }
  const file = fileURLToPath(task.moduleUrl);
  const root = tasksRoot ?? dirname(file);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InvalidTaskError(
      `Task \`${task.taskName}\` is defined in ${file}, outside the executor's \`tasksRoot\` ${root}; ` +
        'set `tasksRoot` to a folder that contains every task module, the same folder the workers get as --tasks-root',
    );
  }
  const identity = Object.freeze({ module: rel.split(sep).join('/'), name: task.taskName });
  if (byRoot === undefined) {
    byRoot = new Map();
    cache.set(task, byRoot);
  }
  byRoot.set(key, identity);
  return identity;
}

/**
 * Submitter side: the module URLs here that a worker's name for a task module (a
 * path under its --tasks-root, see WorkerTasks.moduleName) may mean, so an error
 * class that module exports comes back as itself.
 */
export function moduleUrlsUnder(root: string): (name: string) => string[] {
  return (name) =>
    withTwins(join(root, ...name.split('/'))).map((file) => pathToFileURL(file).href);
}

const TWINS: Record<string, string[]> = {
  '.ts': ['.js'],
  '.mts': ['.mjs'],
  '.cts': ['.cjs'],
  '.js': ['.ts'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** The same module under its other extension: a submitter may run tasks.ts under tsx, a worker tasks.js. */
function withTwins(file: string): string[] {
  const dot = file.lastIndexOf('.');
  const ext = dot > file.lastIndexOf('/') ? file.slice(dot) : '';
  return [file, ...(TWINS[ext] ?? []).map((twin) => file.slice(0, dot) + twin)];
}
