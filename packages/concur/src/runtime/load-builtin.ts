import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * A built-in module loaded on first use rather than imported: node:child_process and
 * node:v8 cost every import of concur milliseconds it may never need. Works where
 * `import.meta.url` is empty too (concur inlined into a CommonJS bundle): a built-in
 * resolves the same from any folder.
 */
export function loadBuiltin<T>(id: string): T {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (get !== undefined) return get(id) as T;
  // Node before 20.16.
  return createRequire(import.meta.url ?? join(process.cwd(), 'concur.js'))(id) as T;
}
