import { isDeepStrictEqual } from 'node:util';
import { serialize } from 'node:v8';
import { AsyncExecutor, type Executor, SequentialExecutor } from 'concur';
import { echoTask } from '../workloads/echo-task.ts';
import { isCallError, loadUserTask, settledCall } from '../workloads/settled-call.ts';
import { createExecutor } from './models.ts';
import type { PoolCost, ProbeOutcome, SampledCall } from './probe-outcome.ts';
import type { PreparedRun, ProbeSpec } from './spec.ts';
import { measureTaskCost } from './task-cost.ts';
import { readTaskInputs } from './task-inputs.ts';

/** Sampled calls at most: past this the mean of a tiny task is steady. */
const MAX_CALLS = 2000;
const MIN_CALLS = 3;
/**
 * Past this many calls and this much time the mean is steady enough to choose between
 * configurations (the predictor only needs to tell 10% apart): a CPU-heavy task must not
 * spend its sample on running most of its inputs.
 */
const STEADY_CALLS = 16;
const STEADY_MS = 500;
/** Calls submitted at once to see whether they overlap: enough to tell waiting from computing. */
const CONCURRENT_CALLS = 16;
/** Rounds of the calls run all at once; the shortest counts. */
const CONCURRENT_ROUNDS = 3;

function bytesOf(value: unknown): number {
  try {
    return serialize(value).length;
  } catch {
    return 0;
  }
}

/** 0, then halves, quarters, eighths... of the list: the sample covers it evenly as it grows. */
export function* spreadIndices(length: number): Generator<number> {
  const seen = new Set<number>();
  for (let step = 1; seen.size < length; step *= 2) {
    for (let k = 0; k < step; k++) {
      const index = Math.floor(((2 * k + 1) * length) / (2 * step));
      if (index < length && !seen.has(index)) {
        seen.add(index);
        yield index;
      }
    }
    if (step > length * 2) {
      for (let i = 0; i < length; i++) if (!seen.has(i)) yield i;
      return;
    }
  }
}

/** Median of a few batches of echo calls carrying `value`, in ms per call. */
async function echoMs(executor: Executor, value: unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await executor.submit(echoTask, value);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[2]!;
}

/**
 * The advice's sample, in one process: calls timed one by one (wall and CPU, sizes),
 * the first of them again all at once (do they overlap?), and the cost of each pool
 * around a call. Calls that throw are counted, as in a full run.
 */
export async function prepareProbe(spec: ProbeSpec): Promise<PreparedRun<ProbeOutcome>> {
  await loadUserTask(spec.modulePath, spec.exportName);
  const inputs = readTaskInputs(spec.inputsPath);
  const call = (args: unknown[]): [string, string, ...unknown[]] => [
    spec.modulePath,
    spec.exportName,
    ...args,
  ];
  return {
    async run() {
      const deadline = performance.now() + spec.seconds * 1000;
      const sequential = new SequentialExecutor();
      const results = new Map<number, unknown>();
      let start = performance.now();
      await sequential.submit(settledCall, ...call(inputs[0] ?? []));
      const firstCallMs = performance.now() - start;
      const calls: SampledCall[] = [];
      // The calls one by one get 40% of the sample's time; the rest is for the pools.
      const sampleStart = performance.now();
      const sampleUntil = sampleStart + spec.seconds * 1000 * 0.4;
      for (const index of spreadIndices(inputs.length)) {
        if (calls.length >= MAX_CALLS) break;
        if (calls.length >= MIN_CALLS && performance.now() > sampleUntil) break;
        if (calls.length >= STEADY_CALLS && performance.now() - sampleStart > STEADY_MS) break;
        const args = inputs[index]!;
        const cpu = process.cpuUsage();
        start = performance.now();
        const result = await sequential.submit(settledCall, ...call(args));
        const wallMs = performance.now() - start;
        const used = process.cpuUsage(cpu);
        results.set(index, result);
        calls.push({
          index,
          wallMs,
          cpuMs: (used.user + used.system) / 1000,
          argBytes: bytesOf(args),
          resultBytes: bytesOf(result),
          error: isCallError(result) ? result.concurLabError : null,
        });
      }
      // Timing one tiny call costs more than the call (a future, an await, two clock
      // reads): below a millisecond a call, the means come from the sample run again as
      // one map, the way a sequential run makes its calls.
      let batch: ProbeOutcome['batch'] = null;
      const individualMs = calls.reduce((a, c) => a + c.wallMs, 0);
      if (calls.length >= MIN_CALLS && individualMs < calls.length) {
        const cpu = process.cpuUsage();
        start = performance.now();
        for await (const _ of sequential.starmap(
          settledCall,
          calls.map((c) => call(inputs[c.index]!)),
        )) {
          // Only the time counts.
        }
        const used = process.cpuUsage(cpu);
        batch = {
          calls: calls.length,
          wallMs: performance.now() - start,
          cpuMs: (used.user + used.system) / 1000,
        };
      }
      await sequential.shutdown();
      let disagreement: string | null = null;
      const check = (where: string, index: number, value: unknown): void => {
        if (disagreement === null && !isDeepStrictEqual(results.get(index), value)) {
          disagreement = `input #${index} gave ${JSON.stringify(results.get(index))?.slice(0, 60)} one by one but ${JSON.stringify(value)?.slice(0, 60)} ${where}`;
        }
      };
      const again = calls.slice(0, CONCURRENT_CALLS);
      let concurrent: ProbeOutcome['concurrent'] = null;
      if (again.length >= 2) {
        const executor = new AsyncExecutor();
        // The shortest of a few rounds: on a busy host one late timer or a GC pause
        // lengthens a round, and the task would look as if it held the thread.
        // Only short rounds are run again, and only within the sample's time.
        for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
          const last = concurrent?.wallMs ?? 0;
          if (round > 0 && (last > 250 || performance.now() + last > deadline)) break;
          start = performance.now();
          const values = await Promise.all(
            again.map((c) => executor.submit(settledCall, ...call(inputs[c.index]!))),
          );
          const wallMs = performance.now() - start;
          if (concurrent === null || wallMs < concurrent.wallMs) {
            concurrent = { calls: again.length, wallMs };
          }
          for (const [i, v] of values.entries()) check('all at once', again[i]!.index, v);
        }
        await executor.shutdown();
      }
      const asyncExecutor = new AsyncExecutor();
      const asyncPerCallMs = await measureTaskCost(asyncExecutor);
      await asyncExecutor.shutdown();
      const pools: ProbeOutcome['pools'] = {};
      const first = calls[0];
      for (const runtime of spec.pools) {
        if (first === undefined || performance.now() > deadline) break;
        start = performance.now();
        const pool = createExecutor({ runtime, workers: 1 });
        const value = await pool.submit(settledCall, ...call(inputs[first.index]!));
        const startedMs = performance.now() - start - first.wallMs;
        check(`in a ${runtime} worker`, first.index, value);
        const perCallMs = await measureTaskCost(pool);
        const biggest = calls.reduce((a, b) => (b.argBytes > a.argBytes ? b : a));
        let perByteMs = 0;
        if (biggest.argBytes > 16 * 1024) {
          const ms = await echoMs(pool, inputs[biggest.index]);
          perByteMs = Math.max(0, ms - perCallMs) / (2 * biggest.argBytes);
        }
        const stopping = performance.now();
        await pool.shutdown();
        const cost: PoolCost = {
          startMs: Math.max(0, startedMs) + (performance.now() - stopping),
          perCallMs,
          perByteMs,
        };
        pools[runtime] = cost;
      }
      return {
        items: inputs.length,
        firstCallMs,
        calls,
        batch,
        concurrent,
        asyncPerCallMs,
        pools,
        disagreement,
      };
    },
  };
}
