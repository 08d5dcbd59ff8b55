// Loaded by the worker launchers before dist/core.js, and kept out of that bundle: it must
// run before the bundle is compiled. Built-ins come from process.getBuiltinModule, not ES
// imports, which cost a worker ~4 ms of facades (see scripts/bundle-core.mjs).

type Builtin = <T>(id: string) => T;

/**
 * Turns on Node's on-disk compile cache (22.1+) in a worker, so that it reads V8's compiled
 * code for concur's bundle and the task modules instead of compiling them: ~3 of the
 * ~10 ms a new worker spent loading concur (Node 24, AMD EPYC). Where the cache lives:
 * - NODE_COMPILE_CACHE, when the user set it (Node's own rule);
 * - else a folder of this user's in the temporary folder, `concur-compile-cache-<uid>`,
 *   made with mode 0700 and used only if it is a real folder that this user owns and
 *   nobody else can write. Node's default, os.tmpdir()/node-compile-cache, is shared by
 *   every user of the machine: another user could put files there that this user's
 *   workers would read as compiled code, or FIFOs that hang them.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. Nothing happens on Node 20 (no such cache),
 * and nothing here throws: without the cache, workers compile as before.
 */
export function enableWorkerCompileCache(): void {
  const builtin = (process as { getBuiltinModule?: Builtin }).getBuiltinModule;
  if (typeof builtin !== 'function') return;
  const module = builtin<{ enableCompileCache?: (dir?: string) => unknown }>('node:module');
  if (typeof module.enableCompileCache !== 'function') return;
  // Node would refuse anyway; this way no folder is made for nothing.
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    if (process.env.NODE_COMPILE_CACHE) {
      module.enableCompileCache();
      return;
    }
    const dir = ownCacheFolder(builtin);
    if (dir !== undefined) module.enableCompileCache(dir);
  } catch {
    // A folder we cannot check or make: no cache.
  }
}

function ownCacheFolder(builtin: Builtin): string | undefined {
  const fs = builtin<typeof import('node:fs')>('node:fs');
  const { tmpdir } = builtin<typeof import('node:os')>('node:os');
  const { join } = builtin<typeof import('node:path')>('node:path');
  const uid = process.getuid?.();
  // Windows has no uids, and its temporary folder is the user's own.
  const dir = join(
    tmpdir(),
    uid === undefined ? 'concur-compile-cache' : `concur-compile-cache-${uid}`,
  );
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory()) return undefined;
  if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return undefined;
  return dir;
}
