import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerEntryNotFoundError } from '../errors/errors.ts';
import type { RuntimeName } from './wire.ts';

const checked = new Set<string>();

/**
 * Throws WorkerEntryNotFoundError if a worker entry is not on disk. A bundler that inlines
 * concur into an app rewrites nothing of `entryUrl()`: the entry is then looked for next to
 * the bundle, where it is not, and a worker started on it would die with a bare
 * ERR_MODULE_NOT_FOUND. Checked once per entry (one stat, at the first worker).
 */
export function checkEntry(entry: URL, runtime: RuntimeName, fromUrl: string | undefined): void {
  if (checked.has(entry.href)) return;
  if (entry.protocol === 'file:' && existsSync(fileURLToPath(entry))) {
    checked.add(entry.href);
    return;
  }
  const from =
    typeof fromUrl !== 'string'
      ? 'code where import.meta.url is undefined (a CommonJS bundle)'
      : fromUrl.startsWith('file:')
        ? fileURLToPath(fromUrl)
        : fromUrl;
  throw new WorkerEntryNotFoundError(
    `A ${runtime} worker cannot start: concur's worker entry ${entry.protocol === 'file:' ? fileURLToPath(entry) : entry.protocol === 'concur-bundled:' ? '(unknown: no module URL)' : entry.href} ` +
      `does not exist. concur is running from ${from}, which looks like a bundle that concur was inlined into. ` +
      'Workers start from files of the concur package: mark concur external when you bundle ' +
      "(esbuild: `--external:concur` or `external: ['concur']`) and install it next to the bundle. " +
      'Task modules may stay in the bundle: workers import it and look among its exports, so its entry re-exports them, ' +
      'guards its program with `if (!inWorker())`, and is bundled with keepNames (task names are function names).',
  );
}
