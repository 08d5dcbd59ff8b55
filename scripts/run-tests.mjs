// Runs every test/**/*.test.ts under node:test with tsx. Node 20's --test does not
// expand globs itself, and plain sh has no `**`. The `concur-source` condition makes
// `concur`, `concur/backend` and `concur-queue` resolve to their TypeScript sources, the
// same files the tests import by path, so one program never holds two copies of a class.
// Workers inherit the flag (threads through execArgv, processes through fork's execArgv).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
// A hung test fails after 5 minutes instead of holding CI for its whole budget (the
// longest file takes about a minute on 2 cores). Node 20 applies the limit to each file,
// later versions to each test. --test-force-exit: a file whose test timed out exits
// even if that test left a connection or a child process behind.
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=concur-source',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    '--test-force-exit',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
