import { fileURLToPath } from 'node:url';
import { registerModuleErrorClasses } from '../errors/error-classes.ts';
import { TaskNotFoundError } from '../errors/errors.ts';
import { importWatched } from '../task/program-rerun.ts';
import { type AnyTask, isTask } from '../task/task.ts';
import { displayPath, notExportedError } from '../task/task-export.ts';
import { resolveTsxApi } from './tsx-loader.ts';

const TS_EXTENSION = /\.(c|m)?tsx?$/;
let tsxRegistered = false;

/**
 * Import failures that tsx can fix: a worker was started without a TypeScript loader
 * (say the parent registered tsx through its API, or a process pool got its own
 * `execArgv`), so Node either knows no .ts files (Node 20, ERR_UNKNOWN_FILE_EXTENSION) or
 * strips their types itself (22.18+), which refuses enums, namespaces and parameter
 * properties (ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX) and any .ts file under node_modules
 * (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). The parent compiled that module with tsx.
 */
const TSX_FIXES = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
]);

/**
 * Registers tsx from the user's project, where it is installed when their program
 * needs more TypeScript than Node strips.
 */
async function registerTsx(fromUrl: string): Promise<boolean> {
  if (tsxRegistered) return true;
  const api = resolveTsxApi(fromUrl) ?? resolveTsxApi(import.meta.url);
  if (api === undefined) return false;
  try {
    const { register } = (await import(api)) as { register: () => unknown };
    register();
    tsxRegistered = true;
    return true;
  } catch {
    return false;
  }
}

async function importModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string } | null | undefined)?.code;
    if (
      code !== undefined &&
      TSX_FIXES.has(code) &&
      TS_EXTENSION.test(url) &&
      (await registerTsx(url))
    ) {
      // The loader caches the failed import under this URL, so ask again under another.
      // The module's tasks then register under the new URL; loadTask finds them by export.
      const retry = `${url}${url.includes('?') ? '&' : '?'}concur-tsx`;
      return (await import(retry)) as Record<string, unknown>;
    }
    throw error;
  }
}

/** What to do about a TypeScript module this worker could not import, or '' if not that. */
function typeScriptAdvice(url: string, error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === undefined || !TSX_FIXES.has(code) || !TS_EXTENSION.test(url)) return '';
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return ` (Node ${process.version} cannot load this file by itself: install tsx in your project, \`npm install -D tsx\`, or point the task at compiled JavaScript)`;
  }
  return ` (Node ${process.version} only strips erasable TypeScript, and nothing under node_modules: install tsx in your project, \`npm install -D tsx\`, and concur's workers compile the module with it, or keep to erasable syntax, tsconfig's erasableSyntaxOnly)`;
}

/** Imports a task's module in this worker and returns the task it defines. */
export async function loadTask(url: string, name: string): Promise<AnyTask> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await importWatched(url, () => importModule(url));
  } catch (error) {
    const where = url.startsWith('file:') ? fileURLToPath(url) : url;
    throw new TaskNotFoundError(
      `The worker could not import ${where} to run task \`${name}\`: ${(error as Error)?.message ?? error}${typeScriptAdvice(url, error)}`,
      { cause: error },
    );
  }
  registerModuleErrorClasses(url, namespace);
  // Only exports count, as in the caller (task-export.ts): one rule under every executor.
  for (const value of Object.values(namespace)) {
    if (isTask(value) && value.taskName === name) return value;
  }
  const fallback = namespace.default;
  if (fallback !== null && typeof fallback === 'object') {
    for (const value of Object.values(fallback)) {
      if (isTask(value) && value.taskName === name) return value;
    }
  }
  throw notExportedError(name, displayPath(url.replace(/[?&]concur-tsx$/, '')));
}
