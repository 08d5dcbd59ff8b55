import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Replaces what lies between the bench markers of a Markdown file (README.md,
 * docs/performance.md, ...) with `body`. A figure means little without the host it was
 * measured on, so the body must open with the host line (report.mjs's markdown() does).
 */
export function writeIntoReadme(path, body) {
  if (!body.startsWith('Host: ')) {
    throw new Error(
      `the table for ${path} does not open with a "Host: " line; render it with markdown() from bench/lib/report.mjs, which names the host`,
    );
  }
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`${path} has no ${START} ... ${END} markers to write the results between`);
  }
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${body}\n${text.slice(end)}`);
}
