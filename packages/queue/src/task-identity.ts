import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidTaskError, isTask, TaskNotFoundError } from 'concur';
import { type AnyTask, registerModuleErrorClasses } from 'concur/backend';

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
 * `--tasks` root; by default the task's own folder, so a task in `tasks.ts` is
 * named `tasks.ts` and a worker started with `--tasks ./tasks.js` finds it.
 */
export function taskIdentity(task: AnyTask, tasksRoot: string | undefined): TaskIdentity {
  const key = tasksRoot ?? '';
  let byRoot = cache.get(task);
  const hit = byRoot?.get(key);
  if (hit !== undefined) return hit;
  if (!task.moduleUrl.startsWith('file:')) {
    throw new InvalidTaskError(
      `Task \`${task.taskName}\` comes from ${task.moduleUrl}, which is not a file: a queue worker loads tasks from files under its --tasks root`,
    );
  }
  const file = fileURLToPath(task.moduleUrl);
  const root = tasksRoot ?? dirname(file);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InvalidTaskError(
      `Task \`${task.taskName}\` is defined in ${file}, outside the executor's \`tasksRoot\` ${root}; ` +
        'set `tasksRoot` to a folder that contains every task module, the same folder the workers get as --tasks',
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
 * path under its --tasks root, see TaskResolver.moduleName) may mean, so an error
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

/**
 * Where a module's exports are: its namespace, then its `default` export when that is
 * an object, which for a CommonJS module is `module.exports`. Node names a CommonJS module's exports
 * by reading its source, and stops at the first value that is not a plain name:
 * `module.exports = { a: task(...), b: task(...) }` lists `a` only, `b` is in `default`.
 */
function exportObjects(namespace: Record<string, unknown>): Record<string, unknown>[] {
  const moduleExports = namespace.default;
  return moduleExports !== null && typeof moduleExports === 'object'
    ? [namespace, moduleExports as Record<string, unknown>]
    : [namespace];
}

/**
 * Worker side: turns a job's TaskIdentity into a task exported by a module under
 * the worker's `--tasks` root (a folder, or one file). Anything else is refused,
 * so a job payload can never name code outside what the worker was started with.
 */
export class TaskResolver {
  readonly root: string;
  readonly #onlyFile: string | undefined;
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();

  constructor(tasksPath: string) {
    const absolute = resolve(tasksPath);
    if (!existsSync(absolute)) {
      throw new TaskNotFoundError(
        `The tasks path ${absolute} does not exist; pass --tasks a module file or a folder of task modules`,
      );
    }
    const real = realpathSync(absolute);
    if (statSync(real).isDirectory()) {
      this.root = real;
      this.#onlyFile = undefined;
    } else {
      this.root = dirname(real);
      this.#onlyFile = real;
    }
  }

  /** Imports the tasks file now (when --tasks is one file), so a broken module stops the worker at start. */
  async preload(): Promise<void> {
    if (this.#onlyFile === undefined) return;
    try {
      await this.#load(this.#onlyFile);
    } catch (error) {
      throw new TaskNotFoundError(
        `Cannot load the tasks module ${this.#onlyFile}: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
  }

  /** The file a job's module path points to, if it is allowed; undefined otherwise. */
  locate(module: unknown): string | undefined {
    if (typeof module !== 'string' || module === '' || module.includes('\0')) return undefined;
    if (module.startsWith('/') || module.includes('\\') || isAbsolute(module)) return undefined;
    if (module.split('/').some((part) => part === '..' || part === '')) return undefined;
    for (const candidate of withTwins(join(this.root, ...module.split('/')))) {
      if (!existsSync(candidate)) continue;
      const real = realpathSync(candidate);
      if (this.#onlyFile !== undefined) {
        if (real === this.#onlyFile) return real;
        continue;
      }
      // A symlink may point out of the root: judge the real path.
      if (real.startsWith(this.root + sep)) return real;
    }
    return undefined;
  }

  async resolve(identity: TaskIdentity): Promise<AnyTask> {
    const file = this.locate(identity.module);
    if (file === undefined) {
      throw new TaskNotFoundError(
        `This worker has no task module \`${String(identity.module)}\` under its --tasks ${this.#onlyFile ?? this.root}; ` +
          'a worker runs only tasks exported from its own --tasks root. Start it with --tasks pointing at the ' +
          "folder (or file) that holds the task, and set the executor's `tasksRoot` to the matching folder",
      );
    }
    const namespace = await this.#load(file);
    for (const exports of exportObjects(namespace)) {
      const direct = exports[identity.name];
      if (isTask(direct) && direct.taskName === identity.name) return direct;
      for (const value of Object.values(exports)) {
        if (isTask(value) && value.taskName === identity.name) return value;
      }
    }
    throw new TaskNotFoundError(
      `The module ${file} exports no task named \`${String(identity.name)}\`; ` +
        'a worker runs only tasks its modules export: add `export` to the task() declaration',
    );
  }

  /**
   * How this worker names a task module in an error it sends back: its path under the
   * root, as in a TaskIdentity, which the submitter can map to its own copy of the module.
   */
  moduleName(url: string): string | undefined {
    if (!url.startsWith('file:')) return undefined;
    const rel = relative(this.root, fileURLToPath(url));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }

  #load(file: string): Promise<Record<string, unknown>> {
    let loading = this.#modules.get(file);
    if (loading === undefined) {
      const url = pathToFileURL(file).href;
      loading = import(url).then((namespace: Record<string, unknown>) => {
        registerModuleErrorClasses(url, namespace);
        return namespace;
      });
      this.#modules.set(file, loading);
      loading.catch(() => this.#modules.delete(file));
    }
    return loading;
  }
}
