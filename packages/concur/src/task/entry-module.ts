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

/** True if `moduleUrl` is the program's entry point (the file `node` was asked to run). */
export function isEntryModule(moduleUrl: string): boolean {
  if (!moduleUrl.startsWith('file:')) return false;
  if (entry === undefined) entry = process.argv[1] === undefined ? null : real(process.argv[1]);
  return entry !== null && real(fileURLToPath(moduleUrl)) === entry;
}
