import { checkKnownKeys, checkObject, invalid } from '../options/validate.ts';

/** Reads `{ name }`, the one option of a lock's constructor; names it in its errors. */
export function parseNameOption(what: string, options: unknown): string | undefined {
  if (options === undefined) return undefined;
  checkObject('options', options);
  checkKnownKeys(what, options as object, ['name']);
  const name = (options as { name?: unknown }).name;
  if (name !== undefined && typeof name !== 'string') throw invalid('name', 'a string', name);
  return name;
}
