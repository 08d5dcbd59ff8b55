// Loader hook of `concur profile`: tsx prints TypeScript as one line per module
// (esbuild's minifyWhitespace), which leaves V8's line ticks nothing to tell apart.
// This hook runs after tsx has chosen the module format and re-transpiles ESM
// TypeScript with esbuild, keeping one statement per line and an inline source map,
// so that each tick maps back to its own line of the .ts file.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

interface Esbuild {
  transform(source: string, options: Record<string, unknown>): Promise<{ code: string }>;
}

let esbuild: Esbuild | undefined;

/** Receives the path of esbuild (which comes with tsx) from the main thread. */
export function initialize(data: { esbuildPath: string }): void {
  esbuild = createRequire(import.meta.url)(data.esbuildPath) as Esbuild;
}

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  const match = /\.(c?ts|m?ts|tsx)$/.exec(url.split('?')[0] ?? '');
  // CommonJS without source here is left to require(), which line-require.ts handles.
  const commonjs = result.format === 'commonjs' && result.source != null;
  if (
    esbuild === undefined ||
    !url.startsWith('file:') ||
    match === null ||
    (result.format !== 'module' && !commonjs)
  ) {
    return result;
  }
  const path = fileURLToPath(url);
  const { code } = await esbuild.transform(await readFile(path, 'utf8'), {
    loader: match[1] === 'tsx' ? 'tsx' : 'ts',
    format: commonjs ? 'cjs' : 'esm',
    sourcemap: 'inline',
    sourcefile: commonjs ? path : url,
    target: `node${process.versions.node}`,
    keepNames: true,
  });
  return { format: commonjs ? 'commonjs' : 'module', source: code, shortCircuit: true };
}
