// The CommonJS half of line-loader.ts: tsx compiles required TypeScript to one line per
// module too, so `require` of .ts/.cts/.tsx files is re-transpiled here with esbuild,
// one statement per line and an inline source map that Node caches for findSourceMap.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';

interface Esbuild {
  transformSync(source: string, options: Record<string, unknown>): { code: string };
}
interface CompilingModule {
  _compile(code: string, filename: string): void;
}
type Extension = (module: CompilingModule, filename: string) => void;

export function installLineRequire(esbuildPath: string): void {
  const esbuild = createRequire(import.meta.url)(esbuildPath) as Esbuild;
  const extensions = (Module as unknown as { _extensions: Record<string, Extension> })._extensions;
  for (const ext of ['.ts', '.cts', '.tsx']) {
    const previous = extensions[ext];
    extensions[ext] = (module, filename) => {
      if (filename.includes('/node_modules/') && previous !== undefined) {
        previous(module, filename);
        return;
      }
      const { code } = esbuild.transformSync(readFileSync(filename, 'utf8'), {
        loader: ext === '.tsx' ? 'tsx' : 'ts',
        format: 'cjs',
        sourcemap: 'inline',
        sourcefile: filename,
        target: `node${process.versions.node}`,
        keepNames: true,
      });
      module._compile(code, filename);
    };
  }
}
