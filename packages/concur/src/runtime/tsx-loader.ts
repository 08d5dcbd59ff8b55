import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Finds the ESM entry of tsx's register API as installed for the module at `fromUrl`.
 * require.resolve would pick its CommonJS variant, which cannot register ESM hooks
 * from inside an ES module, so we read tsx's `exports` map ourselves.
 */
export function resolveTsxApi(fromUrl: string): string | undefined {
  try {
    const pkgPath = createRequire(fromUrl).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const entry = pkg.exports?.['./esm/api']?.import;
    const file = typeof entry === 'string' ? entry : entry?.default;
    return file === undefined ? undefined : pathToFileURL(join(dirname(pkgPath), file)).href;
  } catch {
    return undefined;
  }
}
