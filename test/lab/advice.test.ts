import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Candidate, candidates } from '../../packages/lab/src/advice/candidate.ts';
import { CAN_WIN, choose, MAX_FULL_RUNS } from '../../packages/lab/src/advice/choose.ts';
import { predictAll, predictSeconds } from '../../packages/lab/src/advice/predict.ts';
import { describeTask } from '../../packages/lab/src/advice/recommendation.ts';
import {
  coresGot,
  otherThreads,
  serialPart,
  type TaskProfile,
  taskProfile,
} from '../../packages/lab/src/advice/task-profile.ts';
import type { ProbeOutcome } from '../../packages/lab/src/experiments/probe-outcome.ts';

const POOLS = {
  thread: { startMs: 40, perCallMs: 0.03, perByteMs: 0 },
  process: { startMs: 120, perCallMs: 0.08, perByteMs: 0 },
};

/** A profile as the sample would measure it on 2 cores. */
function profile(fields: Partial<TaskProfile>): TaskProfile {
  return {
    items: 200,
    cores: 2,
    wallMs: 100,
    maxWallMs: 100,
    cpuMs: 100,
    serialMs: 100,
    argBytes: 20,
    resultBytes: 10,
    asyncPerCallMs: 0.005,
    pools: POOLS,
    sampled: 8,
    errors: 0,
    otherThreads: 0,
    ...fields,
  };
}

const SPACE = {
  models: ['sequential', 'async', 'thread', 'process'] as const,
  workers: [1, 2, 4],
  chunksizes: ['auto', 1] as const,
};

function best(p: TaskProfile): Candidate {
  return predictAll(candidates(SPACE), p)[0]!.candidate;
}

describe('the advice: the part of a call that holds its thread', () => {
  it('is the CPU time when calls run together overlap', () => {
    // Four 100 ms calls all at once lasted 103 ms: each held the thread 1 ms.
    assert.equal(serialPart([100, 100, 100, 100], 1, 103), 1);
  });

  it('is the whole call when calls run together did not overlap (a blocking wait)', () => {
    assert.equal(serialPart([100, 100, 100, 100], 1, 400), 100);
  });

  it('is the wall time without a concurrent measurement', () => {
    assert.equal(serialPart([50, 150], 10, null), 100);
  });
});

describe('the advice: predictions from fake measurements', () => {
  it('CPU-bound calls: a pool with as many workers as cores, twice as fast as sequential', () => {
    const p = profile({});
    const choice = best(p);
    assert.ok(choice.model === 'thread' || choice.model === 'process', choice.model);
    assert.equal(choice.workers, 2);
    assert.equal(choice.concurrencyPerWorker, 1);
    const pool = predictSeconds(choice, p)!;
    const sequential = predictSeconds({ ...choice, model: 'sequential', workers: null }, p)!;
    assert.equal(sequential, 20);
    assert.ok(pool > 10 && pool < 10.5, String(pool));
  });

  it('calls that only wait: async without a limit, far ahead of a capped one', () => {
    const p = profile({ cpuMs: 0.5, serialMs: 0.5 });
    const choice = best(p);
    assert.deepEqual([choice.model, choice.limit], ['async', null]);
    const uncapped = predictSeconds(choice, p)!;
    const capped = predictSeconds({ ...choice, limit: 8 }, p)!;
    assert.ok(capped > uncapped * 10, `${capped} against ${uncapped}`);
  });

  it('calls that compute then wait: a pool with several calls at once per worker (issue 16)', () => {
    const p = profile({ cpuMs: 20, serialMs: 20 });
    const choice = best(p);
    assert.ok(choice.model === 'thread' || choice.model === 'process', choice.model);
    assert.ok(choice.concurrencyPerWorker > 1);
    assert.equal(choice.workers, 2);
  });

  it('calls that block their thread while waiting: overlapping them in one thread does not help', () => {
    const p = profile({ cpuMs: 1, serialMs: 100 });
    const asyncSeconds = predictSeconds(
      { model: 'async', workers: null, concurrencyPerWorker: 1, chunksize: 'auto', limit: null },
      p,
    )!;
    assert.ok(
      asyncSeconds >=
        predictSeconds(
          {
            model: 'sequential',
            workers: null,
            concurrencyPerWorker: 1,
            chunksize: 'auto',
            limit: null,
          },
          p,
        )!,
    );
    assert.notEqual(best(p).model, 'async');
  });

  it('tiny calls: a pool does not beat sequential by much, so sequential is run in full', () => {
    const p = profile({
      items: 100_000,
      wallMs: 0.002,
      maxWallMs: 0.01,
      cpuMs: 0.002,
      serialMs: 0.002,
    });
    const predictions = predictAll(candidates(SPACE), p);
    const plan = choose(predictions);
    assert.ok(
      plan.run.some((r) => r.candidate.model === 'sequential'),
      plan.run.map((r) => r.label).join(', '),
    );
    // Chunk 1 pays the hand-off on every one of 100,000 calls.
    const chunk1 = predictions.find((r) => r.label === 'thread x2 chunk 1')!.seconds!;
    const auto = predictions.find((r) => r.label === 'thread x2 chunk auto')!.seconds!;
    assert.ok(chunk1 > auto * 2, `${chunk1} against ${auto}`);
  });

  it('large arguments make processes pay for the bytes they copy', () => {
    const pools = { ...POOLS, process: { ...POOLS.process, perByteMs: 2e-5 } };
    const p = profile({ argBytes: 8_000_000, pools });
    const process = predictSeconds(
      { model: 'process', workers: 2, concurrencyPerWorker: 1, chunksize: 'auto', limit: null },
      p,
    )!;
    const thread = predictSeconds(
      { model: 'thread', workers: 2, concurrencyPerWorker: 1, chunksize: 'auto', limit: null },
      p,
    )!;
    assert.ok(process > thread, `${process} against ${thread}`);
  });

  it('names the kind of task in the reason', () => {
    assert.equal(describeTask(profile({})), 'CPU-bound');
    assert.equal(describeTask(profile({ cpuMs: 1, serialMs: 1 })), 'Waits 99% of each call');
    assert.equal(
      describeTask(profile({ cpuMs: 25, serialMs: 25 })),
      'Computes 25% and waits 75% of each call',
    );
    assert.equal(
      describeTask(profile({ wallMs: 0.002, cpuMs: 0.002, serialMs: 0.002 })),
      'Tiny calls',
    );
  });
});

describe('the advice: which candidates run in full', () => {
  it('runs the best prediction and the best of each other model that could win, and says why it skips the rest', () => {
    const p = profile({});
    const predictions = predictAll(candidates(SPACE), p);
    const plan = choose(predictions);
    assert.equal(plan.run[0], predictions[0]);
    assert.ok(plan.run.length <= MAX_FULL_RUNS);
    const bestSeconds = predictions[0]!.seconds!;
    for (const r of plan.run) assert.ok(r.seconds! <= bestSeconds * CAN_WIN, r.label);
    assert.equal(plan.run.length + plan.skipped.length, predictions.length);
    const sequential = plan.skipped.find((s) => s.label === 'sequential');
    assert.match(sequential?.why ?? '', /^predicted 20\.00 s, [\d.]+x the best prediction \(/);
    for (const s of plan.skipped) assert.ok(s.why.length > 0, s.label);
  });
});

describe('the advice on a machine other programs keep busy', () => {
  /** A sample of a CPU-bound task: 8 calls of 10 ms of CPU that each lasted `wallMs`. */
  function cpuProbe(wallMs: number): ProbeOutcome {
    const calls = Array.from({ length: 8 }, (_, index) => ({
      index,
      wallMs,
      cpuMs: 10,
      argBytes: 8,
      resultBytes: 8,
      error: null,
    }));
    return {
      items: 200,
      firstCallMs: wallMs,
      calls,
      batch: null,
      // All at once they seemed to overlap a little: on a busy machine the calls one by one
      // lost more time to other programs than the calls all at once did.
      concurrent: { calls: 8, wallMs: 0.8 * 8 * wallMs },
      asyncPerCallMs: 0.005,
      pools: POOLS,
      disagreement: null,
    };
  }

  it('reads busy threads of other programs from the core share a reference loop got', () => {
    assert.equal(otherThreads(1, 2), 0);
    assert.equal(otherThreads(0.5, 2), 3);
    assert.equal(coresGot(2, 2, 0), 2);
    assert.equal(coresGot(4, 2, 0), 2);
    assert.equal(coresGot(2, 2, 2), 1);
    assert.ok(coresGot(4, 2, 2) > coresGot(2, 2, 2));
  });

  it('takes calls slowed by other programs for CPU-bound, not for waiting', () => {
    // 10 ms of CPU took 15 ms: a reference loop got 2/3 of a core, as these calls did.
    const busy = taskProfile(cpuProbe(15), 2, 2 / 3);
    assert.equal(describeTask(busy), 'CPU-bound');
    assert.equal(busy.serialMs, 15);
    // Were the loop given its core, the lost time would be the task's: it would wait a part.
    assert.notEqual(describeTask(taskProfile(cpuProbe(15), 2, 1)), 'CPU-bound');
  });

  it('predicts more threads than cores faster there (they get a larger share), and not on an idle machine', () => {
    const thread = (workers: number): Candidate => ({
      model: 'thread',
      workers,
      concurrencyPerWorker: 1,
      chunksize: 'auto',
      limit: null,
    });
    const busy = taskProfile(cpuProbe(15), 2, 2 / 3);
    assert.ok(predictSeconds(thread(4), busy)! < predictSeconds(thread(2), busy)!);
    const idle = taskProfile(cpuProbe(10), 2, 1);
    assert.ok(predictSeconds(thread(2), idle)! <= predictSeconds(thread(4), idle)!);
  });
});
