import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let entry: string | null | undefined;

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The file `node` was asked to run (process.argv[1], symlinks resolved), if any. */
export function entryPath(): string | undefined {
  if (entry === undefined) entry = process.argv[1] === undefined ? null : real(process.argv[1]);
  return entry ?? undefined;
}

/** True if `moduleUrl` (a query such as ?concur-tsx aside) is the file at `path`. */
export function isModuleAt(moduleUrl: string, path: string): boolean {
  return moduleUrl.startsWith('file:') && real(fileURLToPath(moduleUrl)) === path;
}

/** True if `moduleUrl` is the program's entry point (the file `node` was asked to run). */
export function isEntryModule(moduleUrl: string): boolean {
  const path = entryPath();
  return path !== undefined && isModuleAt(moduleUrl, path);
}
