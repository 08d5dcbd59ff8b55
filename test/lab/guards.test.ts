import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stillRuns, TreeWatcher, until } from './process-tree.ts';
import { runCli, runJson } from './run-cli.ts';

const MISUSE = fileURLToPath(new URL('../fixtures/lab/misuse-tasks.ts', import.meta.url));
const USER = fileURLToPath(new URL('../fixtures/lab/user-tasks.ts', import.meta.url));
const CHILD = /child-main\.(js|ts)/;
const TINY_CPU = ['--size', '1000', '--lookups', '5', '--batches', '1'];

describe('the lab under misuse', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'concur-guards-'));
    writeFileSync(join(dir, 'one.json'), '[1]');
    writeFileSync(join(dir, 'not.json'), 'hello\nworld\n');
    writeFileSync(join(dir, 'empty.json'), '[]');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a run past --time-limit with a message that names the run and the flag, leaving nothing behind', async () => {
    let watcher: TreeWatcher | undefined;
    const result = await runCli(
      [
        'compare',
        '--task',
        `${MISUSE}#spins`,
        '--inputs',
        join(dir, 'one.json'),
        '--models',
        'sequential',
        '--sweep',
        '--time-limit',
        '1',
        '--report',
        join(dir, 'r.html'),
      ],
      { onSpawn: (child) => (watcher = new TreeWatcher(child.pid!)) },
    );
    watcher!.stop();
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /^concur compare: the run of sequential passed its time limit of 1 s and was stopped: .*raise --time-limit$/m,
    );
    assert.ok(watcher!.find(CHILD).length > 0, 'the run started');
    await until('the stopped run to be gone', () => !watcher!.find(CHILD).some(stillRuns), 5000);
  });

  it('documents the time limit and its default on every command that runs', async () => {
    for (const command of ['cpu', 'io', 'compare']) {
      const result = await runCli([command, '--help']);
      assert.match(result.stdout, /--time-limit S.*\(default 120\)/, command);
    }
  });

  for (const [model, extra] of [
    ['sequential', []],
    ['process', ['--workers', '2']],
  ] as const) {
    it(`Ctrl-C (SIGINT to the process group) leaves no CPU-bound ${model} run spinning`, async () => {
      let watcher: TreeWatcher | undefined;
      let sent = false;
      const result = await runCli(
        ['cpu', '--model', model, ...extra, '--batches', '100000', '--skip-baseline'],
        {
          detached: true,
          onSpawn: (child) => {
            const w = new TreeWatcher(child.pid!);
            watcher = w;
            // Once the run is up, and busy long enough for a pool's workers to be seen.
            void until('the run', () => w.find(CHILD).length > 0).then(async () => {
              await new Promise((r) => setTimeout(r, 1500));
              w.sample();
              sent = true;
              process.kill(-child.pid!, 'SIGINT');
            });
          },
        },
      );
      watcher!.stop();
      try {
        assert.ok(sent, `the command ended before Ctrl-C: ${result.stderr}`);
        await until(
          'every process of the run to be gone',
          () => [...watcher!.seen.values()].every((p) => !stillRuns(p)),
          5000,
        );
        assert.equal(result.code, 130);
      } finally {
        for (const p of watcher!.seen.values()) {
          if (stillRuns(p)) process.kill(p.pid, 'SIGKILL');
        }
      }
    });
  }

  it('runs compare --task on 100,000 tiny inputs', async () => {
    const inputs = join(dir, 'many.json');
    writeFileSync(inputs, JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i + 1)));
    const out = await runJson<{
      workloads: { task: { runs: { count: number; sameResults: boolean }[] } };
    }>([
      'compare',
      '--task',
      `${USER}#collatz`,
      '--inputs',
      inputs,
      '--models',
      'sequential,async',
      '--sweep',
      '--report',
      join(dir, 'many.html'),
    ]);
    const runs = out.workloads.task.runs;
    assert.ok(runs.length >= 2);
    for (const run of runs) {
      assert.equal(run.count, 100_000);
      assert.equal(run.sameResults, true);
    }
  });

  it('never reports more cores used than the machine has', async () => {
    const out = await runJson<{
      workloads: { task: { runs: { coresUsed: number; cores: number }[] } };
    }>([
      'compare',
      '--task',
      `${USER}#power`,
      '--inputs',
      join(dir, 'one.json'),
      '--models',
      'sequential,thread,process',
      '--workers',
      '4',
      '--sweep',
      '--report',
      join(dir, 'cores.html'),
    ]);
    for (const run of out.workloads.task.runs) assert.ok(run.coresUsed <= run.cores);
  });

  it('says "1 worker", not "1 workers"', async () => {
    const result = await runCli([
      'cpu',
      '--model',
      'thread',
      '--workers',
      '1',
      ...TINY_CPU,
      '--skip-baseline',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^thread, 1 worker: /);
  });

  it('io and compare name the number of downloads alike: --downloads', async () => {
    const io = await runCli(['io', '--help']);
    const compare = await runCli(['compare', '--help']);
    assert.match(io.stdout, /^ {2}--downloads N /m);
    assert.match(compare.stdout, /^ {2}--downloads N /m);
    assert.doesNotMatch(io.stdout, /--batches/);
  });

  for (const [what, args, message] of [
    [
      'a report in a folder that does not exist, before any run',
      ['compare', 'cpu', ...TINY_CPU, '--workers', '1', '--report', '/nonexistent/dir/x.html'],
      /^concur compare: --report \/nonexistent\/dir\/x\.html: no such folder \/nonexistent\/dir; create it first/,
    ],
    [
      'inputs that are not JSON',
      ['compare', '--task', `${USER}#collatz`, '--inputs', 'NOT_JSON'],
      /^concur compare: --inputs \S+not\.json is not valid JSON \(Unexpected token/,
    ],
    [
      'inputs with no calls (nothing to time, so no advice)',
      ['compare', '--task', `${USER}#collatz`, '--inputs', 'EMPTY_JSON'],
      /^concur compare: --inputs \S+empty\.json holds no calls; it must hold a JSON array/,
    ],
    [
      'more workers than a lab run starts',
      [
        'compare',
        '--task',
        `${USER}#collatz`,
        '--inputs',
        'ONE_JSON',
        '--workers',
        '1,99999999999',
      ],
      /^concur compare: --workers must list integers of at most 256, got 99999999999 in '1,99999999999'/,
    ],
    [
      'a task file that is not a module',
      ['compare', '--task', '/etc/passwd#x', '--inputs', 'ONE_JSON'],
      /^concur compare: --task: cannot import \/etc\/passwd \(SyntaxError: [^)]*\); give a JavaScript or TypeScript module/,
    ],
  ] as const) {
    it(`exits 2 with one line on ${what}`, async () => {
      const real = args.map((a) =>
        a === 'NOT_JSON'
          ? join(dir, 'not.json')
          : a === 'ONE_JSON'
            ? join(dir, 'one.json')
            : a === 'EMPTY_JSON'
              ? join(dir, 'empty.json')
              : a,
      );
      const report = real.includes('--report') ? [] : ['--report', join(dir, 'bad.html')];
      const result = await runCli([...real, ...report]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, message);
    });
  }
});
