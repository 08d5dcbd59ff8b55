// The asynchronous loader hook of `concur profile`, for Node versions without
// module.registerHooks (Node 20): runs in the loaders' thread, after tsx has chosen the
// module format, and hands each TypeScript module to keepLines (line-transform.ts).
import { createRequire } from 'node:module';
import { type Esbuild, keepLines, type LoadResult } from './line-transform.ts';

type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

let esbuild: Esbuild | undefined;

/** Receives the path of esbuild (which comes with tsx) from the main thread. */
export function initialize(data: { esbuildPath: string }): void {
  esbuild = createRequire(import.meta.url)(data.esbuildPath) as Esbuild;
}

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  return (esbuild === undefined ? undefined : keepLines(esbuild, url, result)) ?? result;
}
