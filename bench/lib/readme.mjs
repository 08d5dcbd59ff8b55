import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces what lies between the bench markers of the README with `body`. */
export function writeIntoReadme(path, body) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`${path} has no ${START} ... ${END} markers to write the results between`);
  }
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${body}\n${text.slice(end)}`);
}
