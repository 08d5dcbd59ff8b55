// What both loader hooks of `concur profile` do to a TypeScript module: tsx prints
// TypeScript as one line per module (esbuild's minifyWhitespace), which leaves V8's line
// ticks nothing to tell apart. Given what the rest of the loader chain made of a module,
// this re-transpiles its .ts file with esbuild, keeping one statement per line and an
// inline source map, so that each tick maps back to its own line of the .ts file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean;
}

export interface Esbuild {
  transformSync(source: string, options: Record<string, unknown>): { code: string };
}

const TYPESCRIPT = /\.(c?ts|m?ts|tsx)$/;

// Node 22.18+ names the format of a .ts file it would strip itself *-typescript.
const MODULE_FORMATS = new Set(['module', 'module-typescript']);
const COMMONJS_FORMATS = new Set(['commonjs', 'commonjs-typescript']);

/** The module with one statement per line, or undefined to keep `result` as it is. */
export function keepLines(
  esbuild: Esbuild,
  url: string,
  result: LoadResult,
): LoadResult | undefined {
  const match = TYPESCRIPT.exec(url.split('?')[0] ?? '');
  if (!url.startsWith('file:') || match === null) return undefined;
  // CommonJS without source here is left to require(), which line-require.ts handles.
  const commonjs = COMMONJS_FORMATS.has(result.format ?? '') && result.source != null;
  if (!commonjs && !MODULE_FORMATS.has(result.format ?? '')) return undefined;
  const path = fileURLToPath(url);
  const { code } = esbuild.transformSync(readFileSync(path, 'utf8'), {
    loader: match[1] === 'tsx' ? 'tsx' : 'ts',
    format: commonjs ? 'cjs' : 'esm',
    sourcemap: 'inline',
    sourcefile: commonjs ? path : url,
    target: `node${process.versions.node}`,
    keepNames: true,
  });
  return { format: commonjs ? 'commonjs' : 'module', source: code, shortCircuit: true };
}
