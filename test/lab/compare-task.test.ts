import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, runJson } from './run-cli.ts';
import { assertTaskRuns } from './task-runs.ts';

const TASKS = fileURLToPath(new URL('../fixtures/lab/user-tasks.ts', import.meta.url));
const ADVICE = fileURLToPath(new URL('../fixtures/lab/advice-tasks.ts', import.meta.url));
const MISUSE = fileURLToPath(new URL('../fixtures/lab/misuse-tasks.ts', import.meta.url));

interface AdviceJson {
  report: string;
  workloads: {
    task: {
      verdict: string;
      recommendation: {
        model: string;
        workers: number | null;
        concurrencyPerWorker: number;
        chunksize: number | 'auto';
        predictedSeconds: number | null;
        measuredSeconds: number | null;
        speedup: number | null;
        why: string;
      };
      disagreement: string | null;
      adviceSeconds: number;
      budgetSeconds: number;
      sample: { calls: number; wallMs: number; cpuMs: number; serialMs: number };
      skipped: { label: string; predictedSeconds: number | null; why: string }[];
      runs: (TaskRun & { label: string; predictedSeconds: number | null })[];
    };
  };
}

interface TaskRun {
  errors: number;
  concurrencyPerWorker: number;
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

  it('--sweep runs the task under every configuration, with the same results and a verdict', async () => {
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
      '--sweep',
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
        ['thread', 2, 'auto', 16],
        ['process', 2, 'auto'],
        ['process', 2, 7],
        ['process', 2, 'auto', 16],
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
      '--sweep',
      '--report',
      join(dir, 'power.html'),
    ]);
    assert.deepEqual(
      out.workloads.task.runs.map((r) => [r.model, r.count, r.sameResults]),
      [
        ['sequential', 3, true],
        ['async', 3, true],
        ['async', 3, true],
      ],
    );
  });

  it('counts the calls that throw and goes on, saying how many threw and the first message', async () => {
    const out = await runJson<CompareJson>([
      'compare',
      '--task',
      `${TASKS}#failsOnThree`,
      '--inputs',
      join(dir, 'items.json'),
      '--models',
      'sequential,process',
      '--workers',
      '1',
      '--chunksizes',
      'auto',
      '--sweep',
      '--report',
      join(dir, 'fails.html'),
    ]);
    for (const run of out.workloads.task.runs) {
      assert.equal(run.count, 300);
      assert.equal(run.errors, 1);
      assert.equal(run.sameResults, true);
    }
    assert.match(
      out.workloads.task.verdict,
      /1 of 300 calls threw \(first: "three is not allowed"\)/,
    );
  });

  it('advises on a task that waits: a sample, full runs of a few candidates, the recommendation first', async () => {
    writeFileSync(join(dir, 'waits.json'), JSON.stringify(Array.from({ length: 24 }, () => 20)));
    const args = [
      'compare',
      '--task',
      `${ADVICE}#waits`,
      '--inputs',
      join(dir, 'waits.json'),
      '--models',
      'sequential,async,thread',
      '--workers',
      '1,2',
      '--budget',
      '40',
      '--report',
      join(dir, 'waits.html'),
    ];
    const out = await runJson<AdviceJson>(args);
    const task = out.workloads.task;
    const rec = task.recommendation;
    assert.equal(task.disagreement, null);
    assert.equal(task.budgetSeconds, 40);
    assert.ok(task.sample.calls >= 3);
    assert.ok(task.sample.serialMs < task.sample.wallMs, 'calls run together overlapped');
    // Every candidate is either run in full or skipped with a reason.
    assert.equal(task.runs.length + task.skipped.length, 1 + 2 + 2 * 3);
    assert.ok(task.runs.length >= 1 && task.runs.length <= 4);
    for (const s of task.skipped) assert.ok(s.why.length > 0, s.label);
    for (const run of task.runs) {
      assert.equal(run.count, 24);
      assert.equal(run.sameResults, true);
      assert.equal(typeof run.predictedSeconds, 'number', run.label);
    }
    // The recommendation is the fastest run in full, with its measured time.
    const fastest = [...task.runs].sort((a, b) => a.seconds - b.seconds)[0]!;
    assert.deepEqual(
      [rec.model, rec.workers, rec.concurrencyPerWorker, rec.chunksize, rec.measuredSeconds],
      [
        fastest.model,
        fastest.workers,
        fastest.concurrencyPerWorker,
        fastest.chunksize,
        fastest.seconds,
      ],
    );
    assert.equal(typeof rec.predictedSeconds, 'number');
    assert.equal(typeof rec.speedup, 'number');
    // The split between waiting and computing is measured: on a machine other programs
    // keep very busy (seen at load 7 on 2 cores) a call that only waits can read as
    // computing part of its time. describeTask's thresholds are tested in advice.test.ts;
    // here: the sentence's parts, and that the task was seen to wait most of each call.
    const split =
      /^(?:Waits (\d+)%|Computes \d+% and waits (\d+)%) of each call, [\d.]+ ms a call, 24 calls, \d+ cores: /.exec(
        rec.why,
      );
    assert.ok(split !== null, rec.why);
    assert.ok(Number(split[1] ?? split[2]) >= 50, rec.why);
    assert.ok(task.verdict.startsWith(`Recommendation: ${rec.why}.`));
    const html = readFileSync(out.report, 'utf8');
    const lead = html.indexOf('id="recommendation"');
    assert.ok(lead > 0 && lead < html.indexOf('<table'), 'the report leads with it');

    const text = await runCli(args);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout.split('\n')[0]!, /^Recommendation: (Waits|Computes) \d+%/);
  });

  it('says first that results differ when the task keeps state between calls', async () => {
    const out = await runJson<AdviceJson>([
      'compare',
      '--task',
      `${MISUSE}#counter`,
      '--inputs',
      join(dir, 'args.json').replace('args.json', 'items.json'),
      '--models',
      'sequential,async',
      '--report',
      join(dir, 'counter.html'),
    ]);
    const task = out.workloads.task;
    assert.match(task.disagreement ?? '', /^input #\d+ gave \d+ one by one but \d+ all at once$/);
    assert.match(
      task.verdict,
      /^Results differ: input #\d+ .*; fix that before trusting any speed-up\. Recommendation: /,
    );
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
    assert.equal(result.code, 2, 'bad input, like a bad flag');
    assert.match(
      result.stderr,
      /notATask is not a task\(\) export; its tasks are: collatz, failsOnThree, power/,
    );
  });
});
