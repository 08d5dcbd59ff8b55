import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findRedisServer } from '../packages/lab/src/experiments/queue-model.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const noRedis = findRedisServer() === undefined ? 'redis-server is not installed' : false;

/** Runs an example under tsx from the repository root (examples import the built `concur`). */
function runExample(file: string, args: string[] = []) {
  if (!existsSync(`${ROOT}/packages/concur/dist/index.js`))
    spawnSync('npm', ['run', 'build'], { cwd: ROOT });
  return spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The big-O search on 3 small batches under `executors`: [executor, count found] per run. */
function searchUnder(executors: string): [string, string][] {
  const args = ['--executor', executors, '--workers', '2', '--batches', '3', '--needles', '50'];
  const result = runExample('examples/big-o-search/main.ts', [...args, '--size', '20000']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout.match(/^--- {2}\d+\.\d\d seconds ---$/gm)?.length,
    executors === 'all' ? 4 : executors.split(',').length,
  );
  return [...result.stdout.matchAll(/^(\w+) +workers=2 batches=3: found (\d+) of 150$/gm)].map(
    (m) => [m[1]!, m[2]!],
  );
}

it('the big-O search example finds the same count under every executor and prints the seconds', () => {
  const found = searchUnder('all');
  assert.deepEqual(
    found.map(([executor]) => executor),
    ['sequential', 'async', 'thread', 'process'],
  );
  assert.equal(
    new Set(found.map(([, count]) => count)).size,
    1,
    'every executor finds the same count',
  );
  const bad = runExample('examples/big-o-search/main.ts', ['--executor', 'gpu']);
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    /--executor must be one of sequential, async, thread, process, queue or all, got gpu/,
  );
});

it('the big-O search example through Redis: one constructor changed, the same count as threads', {
  skip: noRedis,
}, () => {
  const found = searchUnder('thread,queue');
  assert.deepEqual(
    found.map(([executor]) => executor),
    ['thread', 'queue'],
  );
  assert.equal(found[0]![1], found[1]![1], 'the queue finds what the threads found');
});

it('the at-least-once example: the job of a killed worker runs again elsewhere, and its report is written once', {
  skip: noRedis,
}, () => {
  const result = runExample('examples/queue/idempotent.ts');
  assert.equal(result.status, 0, result.stderr);
  const killed = /^killed worker (\d+) \(SIGKILL\) while it ran job (\d+)$/m.exec(result.stdout);
  assert.ok(killed, result.stdout);
  const jobs = [
    ...result.stdout.matchAll(
      /^job (\d+): ran (\d+) time\(s\) \(pids ([\d, ]+)\); report-\1\.txt: "report \1: (\d+)\\n"$/gm,
    ),
  ];
  assert.deepEqual(
    jobs.map((m) => Number(m[1])),
    [0, 1, 2, 3],
    result.stdout,
  );
  for (const [, id, runs, pids, square] of jobs) {
    assert.equal(Number(square), Number(id) ** 2, 'each report holds its own result');
    if (id === killed[2]) {
      assert.equal(runs, '2', 'the killed job ran again');
      assert.equal(pids!.split(', ')[0], killed[1], 'first on the killed worker');
      assert.notEqual(pids!.split(', ')[1], killed[1], 'then on the other one');
    } else {
      assert.equal(runs, '1');
    }
  }
  assert.match(result.stdout, /^4 reports for 4 jobs/m);
});
