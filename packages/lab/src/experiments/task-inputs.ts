import { readFileSync } from 'node:fs';

/** Argument lists for the user's task, read from `--inputs`. */
export function readTaskInputs(path: string): unknown[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read --inputs ${path}: ${(error as Error).message}`);
  }
  // An array holds one item per call; {"args": [[a, b], ...]} holds argument lists.
  if (Array.isArray(parsed)) return parsed.map((item) => [item]);
  const args = (parsed as { args?: unknown } | null)?.args;
  if (Array.isArray(args) && args.every(Array.isArray)) return args as unknown[][];
  throw new Error(
    `--inputs ${path} must hold a JSON array (one item per call) or {"args": [[...], ...]} (argument lists)`,
  );
}
