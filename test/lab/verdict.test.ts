import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreShare } from '../../packages/lab/src/experiments/run-measured.ts';
import type { RunRecord } from '../../packages/lab/src/experiments/run-record.ts';
import type { MachineLoad } from '../../packages/lab/src/measure/machine-load.ts';
import { cpuVerdict, taskVerdict } from '../../packages/lab/src/report/verdict.ts';

function run(model: string, workers: number | null, seconds: number, coresUsed: number): RunRecord {
  return {
    workload: 'task',
    model,
    workers,
    label: workers === null ? model : `${model} x${workers}`,
    seconds,
    speedup: 1,
    cpuSeconds: coresUsed * seconds,
    coresUsed,
    cores: 2,
    peakRssBytes: 1e7,
    count: 10,
    sameResults: true,
    timeline: [],
  };
}

const IDLE: MachineLoad = { cores: 2, loadAverage: 0.41, referenceShare: 0.98 };
const BUSY: MachineLoad = { cores: 2, loadAverage: 6.2, referenceShare: 0.35 };
// A task that only waits: sequential keeps 0.01 of a core busy, pools hardly more.
const WAITING = [run('sequential', null, 20, 0.01), run('thread', 2, 10, 0.02)];

describe('the verdict on machine load', () => {
  it('does not blame other programs for a task that waits, on an idle machine', () => {
    assert.doesNotMatch(taskVerdict(WAITING, 'sleepy', IDLE), /Other programs/);
  });

  it('does not warn at a low load average even when sequential got little of a core', () => {
    const runs = [run('sequential', null, 2, 0.5), run('thread', 2, 1, 0.7)];
    assert.doesNotMatch(cpuVerdict(runs, 4, IDLE), /Other programs|waited for CPU/);
  });

  it('warns when the reference loop was starved, naming its share and the load average', () => {
    assert.match(
      taskVerdict(WAITING, 'sleepy', BUSY),
      /Other programs were using the CPU: a reference loop got only 0\.35 of a core \(load average 6\.20 on 2 cores\)/,
    );
  });

  it('says "with 1 worker"', () => {
    const runs = [run('sequential', null, 2, 1), run('process', 1, 1, 1)];
    assert.match(taskVerdict(runs, 't', IDLE), /fastest was process with 1 worker,/);
  });
});

describe('cores used', () => {
  it('is never above the cores of the machine, whatever the tick rounding', () => {
    // 9 ticks of CPU over a 20 ms run on 2 cores read as 4.5 cores.
    assert.equal(coreShare(0.09, 0.02, 2), 2);
    assert.equal(coreShare(1, 2, 2), 0.5);
    assert.equal(coreShare(1, 0, 2), 0);
  });
});
