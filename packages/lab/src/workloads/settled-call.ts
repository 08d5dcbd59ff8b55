import { pathToFileURL } from 'node:url';
import { isTask, type Task, type TaskContext, task } from 'concur';
import { tsxRegisterUrl } from '../support/child-node.ts';
import { LabInputError } from '../support/lab-input-error.ts';

/** What a call that threw returns instead: one bad input must not end a measured run. */
export interface CallError {
  concurLabError: string;
}

export function isCallError(value: unknown): value is CallError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<CallError>).concurLabError === 'string'
  );
}

const loaded = new Map<string, Task>();
let tsxRegistered = false;

/**
 * Imports the user's module. Node 20 does not carry `--import tsx` into worker threads,
 * and concur registers tsx there only for the task it loads itself (this wrapper): a
 * TypeScript module imported from here needs tsx registered the same way, then asked
 * for under another URL, since the loader caches the failure.
 */
async function importUserModule(modulePath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(modulePath).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.(c|m)?tsx?$/.test(modulePath)) throw error;
    if (!tsxRegistered) {
      const api = tsxRegisterUrl();
      if (api === undefined) {
        throw new LabInputError(
          `${modulePath} is TypeScript and tsx is not installed: run \`npm install -D tsx\`, or pass the compiled .js file`,
        );
      }
      const { register } = (await import(api)) as { register: () => unknown };
      register();
      tsxRegistered = true;
    }
    return (await import(`${url}?concur-lab-tsx`)) as Record<string, unknown>;
  }
}

/** Imports the user's task; a module that cannot load, or a name that is no task, is bad input. */
export async function loadUserTask(modulePath: string, exportName: string): Promise<Task> {
  const key = `${modulePath}#${exportName}`;
  const known = loaded.get(key);
  if (known !== undefined) return known;
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(modulePath);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new LabInputError(
      `--task: cannot import ${modulePath} (${reason.split('\n')[0]}); give a JavaScript or TypeScript module that exports a task()`,
    );
  }
  const fn = module[exportName];
  if (!isTask(fn)) {
    const found = Object.keys(module).filter((k) => isTask(module[k]));
    throw new LabInputError(
      `${modulePath}#${exportName} is not a task() export` +
        (found.length > 0 ? `; its tasks are: ${found.join(', ')}` : '; it exports no task()'),
    );
  }
  loaded.set(key, fn as Task);
  return fn as Task;
}

function failed(error: unknown): CallError {
  return { concurLabError: error instanceof Error ? error.message : String(error) };
}

function callSettled(fn: Task, context: TaskContext, args: unknown[]): unknown {
  try {
    const result = fn.apply(context, args) as unknown;
    if (result instanceof Promise) return result.then(undefined, failed);
    return result;
  } catch (error) {
    return failed(error);
  }
}

/**
 * The user's task, called with its error caught: a run counts the calls that threw
 * and goes on, as the sample does, so a task that fails on some inputs can still be
 * measured. The module is imported once per worker; later calls stay synchronous.
 */
export const settledCall = task(
  import.meta.url,
  function settledCall(
    this: TaskContext,
    modulePath: string,
    exportName: string,
    ...args: unknown[]
  ) {
    const fn = loaded.get(`${modulePath}#${exportName}`);
    if (fn !== undefined) return callSettled(fn, this, args);
    return loadUserTask(modulePath, exportName).then((f) => callSettled(f, this, args));
  },
);
