import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, runJson } from './run-cli.ts';
import { assertTaskRuns } from './task-runs.ts';

const TASKS = fileURLToPath(new URL('../fixtures/lab/user-tasks.ts', import.meta.url));

interface TaskRun {
  model: string;
  workers: number | null;
  chunksize: number | 'auto';
  count: number;
  sameResults: boolean;
  seconds: number;
  speedup: number;
}
interface CompareJson {
  report: string;
  workloads: { task: { verdict: string; runs: TaskRun[] } };
}

describe('concur compare --task', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'concur-task-'));
    writeFileSync(
      join(dir, 'items.json'),
      JSON.stringify(Array.from({ length: 300 }, (_, i) => i + 1)),
    );
    writeFileSync(
      join(dir, 'args.json'),
      JSON.stringify({
        args: [
          [2, 3],
          [3, 2],
          [10, 2],
        ],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the task under every model and chunk size, with the same results and a recommendation', async () => {
    const out = await runJson<CompareJson>([
      'compare',
      '--task',
      `${TASKS}#collatz`,
      '--inputs',
      join(dir, 'items.json'),
      '--models',
      'sequential,thread,process',
      '--workers',
      '2',
      '--chunksizes',
      'auto,7',
      '--report',
      join(dir, 'task.html'),
    ]);
    const runs = out.workloads.task.runs;
    assertTaskRuns(
      runs,
      [
        ['sequential', null, 'auto'],
        ['thread', 2, 'auto'],
        ['thread', 2, 7],
        ['process', 2, 'auto'],
        ['process', 2, 7],
      ],
      300,
    );
    const fastest = [...runs].sort((a, b) => a.seconds - b.seconds)[0]!;
    assert.match(out.workloads.task.verdict, new RegExp(`^collatz: fastest was ${fastest.model}`));
    assert.equal(out.report, join(dir, 'task.html'));
  });

  it('passes argument lists from {"args": [...]}', async () => {
    const out = await runJson<CompareJson>([
      'compare',
      '--task',
      `${TASKS}#power`,
      '--inputs',
      join(dir, 'args.json'),
      '--models',
      'sequential,async',
      '--report',
      join(dir, 'power.html'),
    ]);
    assert.deepEqual(
      out.workloads.task.runs.map((r) => [r.model, r.count, r.sameResults]),
      [
        ['sequential', 3, true],
        ['async', 3, true],
      ],
    );
  });

  it("reports the task's own error when it throws", async () => {
    const result = await runCli([
      'compare',
      '--task',
      `${TASKS}#failsOnThree`,
      '--inputs',
      join(dir, 'items.json'),
      '--models',
      'sequential,process',
      '--workers',
      '1',
      '--report',
      join(dir, 'fails.html'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^concur compare: three is not allowed$/m);
  });

  it('says which exports are tasks when the name is not one', async () => {
    const result = await runCli([
      'compare',
      '--task',
      `${TASKS}#notATask`,
      '--inputs',
      join(dir, 'items.json'),
      '--models',
      'sequential',
      '--report',
      join(dir, 'x.html'),
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /notATask is not a task\(\) export; its tasks are: collatz, failsOnThree, power/,
    );
  });
});
