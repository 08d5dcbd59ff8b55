import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isTask, TaskNotFoundError } from 'concur';
import {
  type AnyTask,
  displayPath,
  notExportedError,
  registerModuleErrorClasses,
} from 'concur/backend';
import { describeUntrusted } from './payload-check.ts';
import { asWorker } from './worker-scope.ts';

/** Module names a folder given to --tasks is read through, in this order. */
const INDEX_NAMES = ['index.js', 'index.mjs', 'index.cjs', 'index.ts', 'index.mts', 'index.cts'];

/** Longest `task.module` and `task.name` a job may carry: far above any real path, far below harm. */
const MAX_MODULE_CHARS = 4096;
const MAX_NAME_CHARS = 1024;

/**
 * A job may name `tasks.ts` while the worker loaded `tasks.js` (the submitter runs
 * under tsx, the worker the compiled code): both spell the same module here.
 */
function sameModule(path: string): string {
  return path.replace(/\.([mc]?)ts$/, '.$1js');
}

function key(module: string, name: string): string {
  return `${sameModule(module)}#${name}`;
}

/** The module a --tasks path stands for: a file itself, a folder its index module. */
function entryModule(path: string): string {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new TaskNotFoundError(
      `The tasks path ${absolute} does not exist; pass --tasks a task module file (or a folder with an index module)`,
    );
  }
  const real = realpathSync(absolute);
  if (!statSync(real).isDirectory()) return real;
  for (const name of INDEX_NAMES) {
    const index = join(real, name);
    if (existsSync(index)) return realpathSync(index);
  }
  throw new TaskNotFoundError(
    `The tasks folder ${real} has no index module (${INDEX_NAMES.join(', ')}): a worker imports only the modules ` +
      'it is given, never every file of a folder. Pass each task module (--tasks a.js --tasks b.js), or add an index.js that exports their tasks',
  );
}

/** `file`'s path under `root` with `/` separators, as a job names it; undefined outside the root. */
function nameUnder(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The folder every entry module is in or under: job module paths are relative to it. */
function commonFolder(paths: readonly string[], entries: readonly string[]): string {
  const folders = paths.map((path, i) => {
    const real = realpathSync(resolve(path));
    return real === entries[i] ? dirname(real) : real;
  });
  let common = folders[0]!;
  for (const folder of folders.slice(1)) {
    while (folder !== common && !folder.startsWith(common + sep)) common = dirname(common);
  }
  return common;
}

/**
 * The worker's side of task identity: the tasks its operator gave it, imported at
 * start-up, and nothing else. A job names a task by module path (relative to the
 * root) and name; the worker looks it up here and never imports anything because
 * of a job, so a payload can never choose the code a worker runs.
 */
export class WorkerTasks {
  /** Job module paths are relative to this folder. */
  readonly root: string;
  /** The modules imported at start-up (what --tasks named). */
  readonly modules: readonly string[];
  readonly #byKey: ReadonlyMap<string, AnyTask>;
  /** Each loaded module's job path (see sameModule) and its file. */
  readonly #moduleFiles: ReadonlyMap<string, string>;
  /** The URL of each module loaded at start-up (entries and task modules) and its name under the root. */
  readonly #moduleNames: ReadonlyMap<string, string>;

  private constructor(
    root: string,
    modules: string[],
    byKey: Map<string, AnyTask>,
    moduleNames: Map<string, string>,
  ) {
    this.root = root;
    this.modules = modules;
    this.#byKey = byKey;
    this.#moduleNames = moduleNames;
    this.#moduleFiles = new Map(
      [...byKey].map(([k, task]) => [k.slice(0, k.lastIndexOf('#')), displayPath(task.moduleUrl)]),
    );
  }

  /**
   * Imports the modules `paths` name (a file, or a folder's index module) with
   * inWorker() true, and registers every task they export. `root` defaults to the
   * folder that holds them all (a single file's own folder; a folder itself).
   */
  static async load(paths: readonly string[], root?: string): Promise<WorkerTasks> {
    if (paths.length === 0) throw new TaskNotFoundError('No task module given: pass --tasks');
    const entries = paths.map(entryModule);
    const base = root === undefined ? commonFolder(paths, entries) : realpathSync(resolve(root));
    const byKey = new Map<string, AnyTask>();
    const moduleNames = new Map<string, string>();
    const entryNamespaces = new Map<string, Record<string, unknown>>();
    for (const file of entries) {
      const namespace = await importTasksModule(file);
      entryNamespaces.set(pathToFileURL(file).href, namespace);
      for (const value of exportObjects(namespace).flatMap((o) => Object.values(o))) {
        if (!isTask(value) || !value.moduleUrl.startsWith('file:')) continue;
        const name = nameUnder(base, realpathSync(fileURLToPath(value.moduleUrl)));
        // A task re-exported from outside the root has no name a submitter could send.
        if (name === undefined) continue;
        byKey.set(key(name, value.taskName), value);
        moduleNames.set(value.moduleUrl, name);
      }
    }
    await registerErrorClasses(base, entryNamespaces, moduleNames);
    if (byKey.size === 0) {
      throw new TaskNotFoundError(
        `${entries.join(', ')} export${entries.length === 1 ? 's' : ''} no task under ${base}: ` +
          'a worker runs only tasks its modules export, as `export const name = task(import.meta.url, function name() {...})`',
      );
    }
    return new WorkerTasks(base, entries, byKey, moduleNames);
  }

  /**
   * How this worker names a module in an error it sends back (EncodeOptions.moduleName):
   * its path under the root, as in a TaskIdentity, which the submitter maps to its own
   * copy (moduleUrlsUnder). Only modules loaded at start-up have one.
   */
  moduleName(url: string): string | undefined {
    return this.#moduleNames.get(url);
  }

  /** Number of tasks this worker runs. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The registered task a job's `task` field names; TaskNotFoundError for anything else. */
  find(identity: unknown): AnyTask {
    if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) {
      throw new TaskNotFoundError(
        `The job's \`task\` is ${describeUntrusted(identity)}, not { module, name }: it was not sent by a QueueExecutor`,
      );
    }
    const { module, name } = identity as { module?: unknown; name?: unknown };
    for (const [field, value, max] of [
      ['task.module', module, MAX_MODULE_CHARS],
      ['task.name', name, MAX_NAME_CHARS],
    ] as const) {
      if (typeof value !== 'string' || value === '' || value.length > max) {
        throw new TaskNotFoundError(
          `The job's \`${field}\` is ${describeUntrusted(value)}, not a string of 1 to ${max} characters: it was not sent by a QueueExecutor`,
        );
      }
    }
    const found = this.#byKey.get(key(module as string, name as string));
    if (found !== undefined) return found;
    const file = this.#moduleFiles.get(sameModule(module as string));
    // The same rule, and message, as a pool worker's: the module does not export it.
    if (file !== undefined) throw notExportedError(name as string, file);
    throw new TaskNotFoundError(
      `This worker has no task module \`${String(module).slice(0, 200)}\`: it runs only the tasks exported by ` +
        `${this.modules.join(', ')} (named relative to ${this.root}). Start it with --tasks naming that module, ` +
        "and set the executor's `tasksRoot` to the matching folder",
    );
  }
}

/**
 * Where a module's exports are: its namespace, then its `default` export when that is
 * an object, which for a CommonJS module is `module.exports`. Node names a CommonJS
 * module's exports by reading its source and stops at the first value that is not a
 * plain name: `module.exports = { a: task(...), b: task(...) }` lists `a` only.
 */
function exportObjects(namespace: Record<string, unknown>): Record<string, unknown>[] {
  const moduleExports = namespace.default;
  return moduleExports !== null && typeof moduleExports === 'object'
    ? [namespace, moduleExports as Record<string, unknown>]
    : [namespace];
}

/**
 * Remembers the error classes the loaded modules export, so an error of one travels
 * by (module name, export name): first each task's own module (the module a submitter
 * scans, and a pool worker names), then the entry modules, which may re-export them.
 * A task's module was evaluated when it defined the task, so importing it again runs
 * nothing (and a pool worker imports that same URL to run the task).
 */
async function registerErrorClasses(
  root: string,
  entryNamespaces: ReadonlyMap<string, Record<string, unknown>>,
  moduleNames: Map<string, string>,
): Promise<void> {
  for (const url of moduleNames.keys()) {
    if (entryNamespaces.has(url)) continue;
    try {
      const namespace = await asWorker(() => import(url) as Promise<Record<string, unknown>>);
      registerModuleErrorClasses(url, namespace);
    } catch {
      // Not reachable by URL (a CommonJS module under a loader): its classes travel as built-ins.
    }
  }
  for (const [url, namespace] of entryNamespaces) {
    registerModuleErrorClasses(url, namespace);
    const name = nameUnder(root, fileURLToPath(url));
    if (name !== undefined) moduleNames.set(url, name);
  }
}

async function importTasksModule(file: string): Promise<Record<string, unknown>> {
  try {
    return await asWorker(
      () => import(pathToFileURL(file).href) as Promise<Record<string, unknown>>,
    );
  } catch (error) {
    throw new TaskNotFoundError(`Cannot load the tasks module ${file}: ${tsxHint(file, error)}`, {
      cause: error,
    });
  }
}

/**
 * Node's refusals of a .ts module that tsx would load: no loader for .ts (Node 20), and
 * syntax type stripping cannot remove, or a file under node_modules (22.18+, 24, 26).
 */
const TS_LOAD_ERRORS = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
]);

/** The import error's message, with what to do when it is TypeScript without tsx. */
function tsxHint(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (/\.[mc]?tsx?$/.test(file) && typeof code === 'string' && TS_LOAD_ERRORS.has(code)) {
    return `${message}. ${file} is TypeScript and tsx is not loaded: run \`npm install -D tsx\` and start the worker with \`node --import tsx\`, or pass the compiled .js file`;
  }
  return message;
}
