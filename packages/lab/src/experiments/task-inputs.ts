import { readFileSync } from 'node:fs';
import { LabInputError } from '../support/lab-input-error.ts';

const SHAPE = 'a JSON array (one item per call) or {"args": [[...], ...]} (argument lists)';

/**
 * The parser's reason in a few words: V8 quotes the start of the text after it, which
 * may span lines ("Unexpected token 'h', "hello\nworld" is not valid JSON").
 */
function reasonOf(error: Error): string {
  const first = error.message.split('\n')[0] ?? '';
  const cut = first.indexOf(', "');
  return (cut === -1 ? first : first.slice(0, cut)).slice(0, 80);
}

/** Argument lists for the user's task, read from `--inputs`. */
export function readTaskInputs(path: string): unknown[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LabInputError(`--inputs: cannot read ${path} (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LabInputError(
      `--inputs ${path} is not valid JSON (${reasonOf(error as Error)}); it must hold ${SHAPE}`,
    );
  }
  const args = (parsed as { args?: unknown } | null)?.args;
  const calls = Array.isArray(parsed)
    ? parsed.map((item) => [item])
    : Array.isArray(args) && args.every(Array.isArray)
      ? (args as unknown[][])
      : undefined;
  if (calls === undefined) throw new LabInputError(`--inputs ${path} must hold ${SHAPE}`);
  // Nothing to time: any recommendation would be noise.
  if (calls.length === 0) {
    throw new LabInputError(
      `--inputs ${path} holds no calls; it must hold ${SHAPE}, with at least one`,
    );
  }
  return calls;
}
