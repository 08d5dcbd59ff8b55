// Installs keepLines (line-transform.ts) in the profiled process's module loader, where no
// other hook can rewrite its output afterwards.
import Module, { createRequire, register } from 'node:module';
import { type Esbuild, keepLines, type LoadResult } from './line-transform.ts';

interface SyncHooks {
  load(
    url: string,
    context: unknown,
    nextLoad: (url: string, context: unknown) => LoadResult,
  ): LoadResult;
}

/**
 * Where Node has module.registerHooks (22.15+, 23.5+), tsx uses it (from 22.22.3, 24.11.1
 * and on 26), and those in-thread hooks run before any hook registered with
 * module.register, then rewrite what it returns: there, only an in-thread hook registered
 * after tsx's comes first. Node 20 has only module.register, in whose chain the hook
 * registered last (ours, preloaded after tsx) comes first.
 */
export function installLineHooks(esbuildPath: string): void {
  const { registerHooks } = Module as unknown as { registerHooks?: (hooks: SyncHooks) => unknown };
  if (registerHooks === undefined) {
    const self = import.meta.url;
    register(new URL(self.endsWith('.ts') ? './line-loader.ts' : './line-loader.js', self), {
      parentURL: self,
      data: { esbuildPath },
    });
    return;
  }
  const esbuild = createRequire(import.meta.url)(esbuildPath) as Esbuild;
  // In this thread, esbuild's first synchronous call starts its service (a worker and a
  // child process): do it now, before the profiler starts, not in the program's first import.
  esbuild.transformSync('', { loader: 'ts' });
  registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      return keepLines(esbuild, url, result) ?? result;
    },
  });
}
