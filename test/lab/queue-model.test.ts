// The lab's `queue` model: a real redis-server and `concur worker`, started by the run.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findRedisServer } from '../../packages/lab/src/experiments/queue-model.ts';
import { makeSearchData } from '../../packages/lab/src/workloads/search-data.ts';
import { stillRuns, TreeWatcher, until } from './process-tree.ts';
import { runCli, runJson } from './run-cli.ts';
import { assertTaskRuns, type TaskRunFields } from './task-runs.ts';

const scratchDirs: string[] = [];
/** A new temporary folder, removed when the test process exits. */
function scratchDir(prefix: string): string {
  if (scratchDirs.length === 0) {
    process.once('exit', () => {
      for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

const SIZE = { size: 20_000, lookups: 50, batches: 3, seed: 7 };
const ARGS = ['--size', '20000', '--lookups', '50', '--batches', '3', '--seed', '7'];

function expectedCount(): number {
  const { haystack, batches } = makeSearchData(SIZE);
  const set = new Set(haystack);
  return batches.flat().filter((n) => set.has(n)).length;
}

const USER_TASKS = fileURLToPath(new URL('../fixtures/lab/user-tasks.ts', import.meta.url));
const REDIS = /^redis-server /;
const WORKER = /worker-cli\.(js|ts) --connection redis:/;

/** Runs the CLI while watching its process tree; returns what it printed and every process seen. */
async function watched(args: string[], during?: (w: TreeWatcher, child: ChildProcess) => void) {
  let watcher: TreeWatcher | undefined;
  const result = await runCli(args, {
    detached: true,
    onSpawn(child) {
      watcher = new TreeWatcher(child.pid!);
      during?.(watcher, child);
    },
  });
  watcher!.stop();
  return { result, watcher: watcher! };
}

/**
 * The command returns once its own process has exited; a process killed at the same
 * moment may still be tearing down, so give that a few seconds before calling it left over.
 */
async function assertAllGone(watcher: TreeWatcher): Promise<void> {
  const running = () => [...watcher.seen.values()].filter(stillRuns);
  await until('the run to end', () => running().length === 0, 10_000).catch(() => {});
  const left = running();
  assert.deepEqual(
    left.map((p) => `${p.pid} ${p.command}`),
    [],
    'every process the run started has ended',
  );
}

const noRedis = findRedisServer() === undefined;
const skip = noRedis ? 'redis-server is not installed (apt-get install redis-server)' : false;

describe('the queue model of concur cpu and concur compare cpu', { skip }, () => {
  const expected = expectedCount();

  it('finds the same count through Redis, reports a cost per task, and stops redis-server and the worker', async () => {
    const { result, watcher } = await watched([
      'cpu',
      '--model',
      'queue',
      ...ARGS,
      '--workers',
      '2',
      '--skip-baseline',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(out.model, 'queue');
    assert.equal(out.count, expected);
    for (const field of ['seconds', 'cpuSeconds', 'coresUsed', 'peakRssBytes', 'taskCostMs']) {
      assert.equal(typeof out[field], 'number', field);
      assert.ok((out[field] as number) > 0, field);
    }
    assert.equal(watcher.find(REDIS).length, 1, 'one private redis-server ran');
    const workers = watcher.find(WORKER);
    assert.equal(workers.length, 1, 'one concur worker ran');
    assert.match(workers[0]!.command, /--model thread --workers 2 /);
    await assertAllGone(watcher);
  });

  it('sits in compare cpu next to threads, with records of the same shape', async () => {
    const dir = scratchDir('concur-queue-');
    const out = await runJson<{
      workloads: { cpu: { verdict: string; runs: Record<string, unknown>[] } };
    }>([
      'compare',
      'cpu',
      ...ARGS,
      '--workers',
      '1,2',
      '--models',
      'sequential,thread,queue',
      '--report',
      join(dir, 'report.html'),
    ]);
    const runs = out.workloads.cpu.runs;
    assert.deepEqual(
      runs.map((r) => r.label),
      ['sequential', 'thread x1', 'thread x2', 'queue x1', 'queue x2'],
    );
    const thread = runs.find((r) => r.model === 'thread')!;
    for (const run of runs) {
      assert.deepEqual(Object.keys(run).sort(), Object.keys(thread).sort(), String(run.label));
      assert.equal(run.count, expected, String(run.label));
      assert.equal(typeof run.taskCostMs, 'number', String(run.label));
      assert.equal(typeof run.speedup, 'number', String(run.label));
    }
    assert.match(out.workloads.cpu.verdict, /Redis \(queue\) [\d.]+ (ms|µs)/);
    assert.match(out.workloads.cpu.verdict, /Through Redis the search reached [\d.]+x/);
  });

  it("runs the user's own task through Redis (compare --task): same results, a worker that may run only that module", async () => {
    const dir = scratchDir('concur-queue-task-');
    writeFileSync(
      join(dir, 'items.json'),
      JSON.stringify(Array.from({ length: 120 }, (_, i) => i + 1)),
    );
    const { result, watcher } = await watched([
      'compare',
      '--task',
      `${USER_TASKS}#collatz`,
      '--inputs',
      join(dir, 'items.json'),
      '--models',
      'thread,queue',
      '--workers',
      '2',
      '--chunksizes',
      'auto,7',
      '--sweep',
      '--report',
      join(dir, 'r.html'),
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      workloads: { task: { verdict: string; runs: TaskRunFields[] } };
    };
    const runs = out.workloads.task.runs;
    assertTaskRuns(
      runs,
      [
        ['sequential', null, 'auto'],
        ['thread', 2, 'auto'],
        ['thread', 2, 7],
        ['thread', 2, 'auto', 16],
        ['queue', 2, 'auto'],
        ['queue', 2, 7],
      ],
      120,
    );
    assert.match(
      out.workloads.task.verdict,
      /Through Redis \(queue\) it reached [\d.]+x with 2 workers/,
    );
    const workers = watcher.find(WORKER);
    assert.equal(workers.length, 2, 'one concur worker per queue run');
    for (const w of workers) assert.ok(w.command.includes(`--tasks ${USER_TASKS}`), w.command);
    await assertAllGone(watcher);
  });

  for (const [how, signal, target] of [
    ['Ctrl-C (SIGINT to the process group)', 'SIGINT', 'group'],
    ['SIGTERM of the lab command alone', 'SIGTERM', 'command'],
    ['SIGKILL of the measured run', 'SIGKILL', 'run'],
  ] as const) {
    it(`leaves no redis-server or worker behind after ${how}`, async () => {
      let exited = false;
      let signalled = false;
      let sent: Promise<void> | undefined;
      const { result, watcher } = await watched(
        // Big enough that the search is still running when the signal arrives.
        ['cpu', '--model', 'queue', '--batches', '6', '--lookups', '3000', '--skip-baseline'],
        (w, child) => {
          child.once('exit', () => {
            exited = true;
          });
          sent = until('redis-server and the worker', () => {
            w.sample();
            return exited || (w.find(REDIS).length > 0 && w.find(WORKER).length > 0);
          })
            // Past the moment the run has started its timed part (the search lasts seconds).
            .then(() => new Promise((r) => setTimeout(r, 1000)))
            .then(() => {
              if (exited) return;
              signalled = true;
              if (target === 'group') process.kill(-child.pid!, signal);
              else if (target === 'command') process.kill(child.pid!, signal);
              else process.kill(w.find(/child-main\.(js|ts)/)[0]!.pid, signal);
            });
        },
      );
      await sent;
      assert.ok(signalled, `the run ended before the signal: ${result.stderr}`);
      assert.notEqual(result.code, 0, 'the run was cut short');
      assert.equal(watcher.find(REDIS).length, 1);
      await assertAllGone(watcher);
    });
  }
});

describe('the queue model without redis-server', () => {
  // The lab starts node by its absolute path, so an empty PATH hides only redis-server.
  const env = { ...process.env, PATH: scratchDir('concur-empty-path-') };
  const pathHasRedis = findRedisServer(env.PATH) !== undefined;
  const skip = pathHasRedis ? `${env.PATH} holds a redis-server too` : false;

  for (const args of [
    ['cpu', '--model', 'queue'],
    ['compare', 'cpu', '--models', 'thread,queue'],
  ]) {
    it(`concur ${args.join(' ')} is refused with what to install`, { skip }, async () => {
      const result = await runCli([...args, ...ARGS], { env });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /needs redis-server, which is not on PATH/);
      assert.match(result.stderr, /apt-get install redis-server/);
    });
  }

  it('concur compare cpu leaves queue out and says how to add it', { skip }, async () => {
    const dir = scratchDir('concur-noredis-');
    const result = await runCli(
      ['compare', 'cpu', ...ARGS, '--workers', '1', '--report', join(dir, 'r.html')],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /^queue /m);
    assert.match(result.stdout, /^thread\s+1\s/m);
    const line = result.stdout.split('\n').find((l) => l.includes('queue model'));
    assert.match(
      line ?? '',
      /not on PATH; install Redis \(Debian\/Ubuntu: apt-get install redis-server/,
    );
  });
});
