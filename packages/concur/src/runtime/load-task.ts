import { fileURLToPath } from 'node:url';
import { TaskNotFoundError } from '../errors/errors.ts';
import { type AnyTask, isTask } from '../task/task.ts';
import { displayPath, notExportedError } from '../task/task-export.ts';
import { resolveTsxApi } from './tsx-loader.ts';

const TS_EXTENSION = /\.(c|m)?tsx?$/;
let tsxRegistered = false;

/**
 * A worker was started without a TypeScript loader (say the parent ran under
 * `tsx` as a CLI whose hooks did not reach the worker). Register tsx from the
 * user's project, where it must be installed since their program is TypeScript.
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
    const code = (error as { code?: string }).code;
    if (
      code === 'ERR_UNKNOWN_FILE_EXTENSION' &&
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

/** Imports a task's module in this worker and returns the task it defines. */
export async function loadTask(url: string, name: string): Promise<AnyTask> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await importModule(url);
  } catch (error) {
    const where = url.startsWith('file:') ? fileURLToPath(url) : url;
    throw new TaskNotFoundError(
      `The worker could not import ${where} to run task \`${name}\`: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
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
