import type { PoolCost, ProbeOutcome } from '../experiments/probe-outcome.ts';

/** What the predictor knows about the task, from the sample. Times in milliseconds. */
export interface TaskProfile {
  /** Calls in a full run. */
  items: number;
  cores: number;
  /** Mean wall time of a call run alone. */
  wallMs: number;
  /** The longest sampled call. */
  maxWallMs: number;
  /** Mean CPU time of a call. */
  cpuMs: number;
  /**
   * Mean time a call holds its thread: its CPU part when calls submitted together
   * overlapped, its whole wall time when they did not (a blocking wait).
   */
  serialMs: number;
  /** Mean bytes of a call's arguments and result (structured clone). */
  argBytes: number;
  resultBytes: number;
  asyncPerCallMs: number;
  pools: { thread?: PoolCost; process?: PoolCost };
  /** Sampled calls, and how many of them threw. */
  sampled: number;
  errors: number;
  /**
   * Busy threads of other programs sharing the cores (0 on an idle machine), from the
   * share of a core a reference loop got (see measure/machine-load.ts).
   */
  otherThreads: number;
}

/** Above this share of a core, a reference loop had its core to itself. */
const FULL_SHARE = 0.95;

/**
 * Busy threads of other programs, from the share `share` of a core that one spinning
 * thread got on `cores` cores: a fair scheduler gives it cores / (1 + others) when they
 * outnumber the cores. A loop that got its core tells nothing of the others: 0.
 */
export function otherThreads(share: number, cores: number): number {
  return share >= FULL_SHARE || share <= 0 ? 0 : Math.max(0, cores / share - 1);
}

/** Cores that `threads` busy threads get beside `others` busy threads of other programs. */
export function coresGot(threads: number, cores: number, others: number): number {
  if (threads + others <= cores) return threads;
  return Math.min(threads, (cores * threads) / (threads + others));
}

/** Calls shorter than this are taken as all computing (see taskProfile). */
const SHORTEST_WAIT_MS = 1;

const mean = (values: number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The part of a call that holds the thread, from k calls run alone (walls) and the same
 * calls run all at once (concurrentMs). If they overlap fully, all at once lasts the
 * longest wait plus everyone's thread time: (concurrentMs - max) / (k - 1) is that thread
 * time. Clamped between the CPU time measured and the wall time.
 */
export function serialPart(
  walls: readonly number[],
  cpuMs: number,
  concurrentMs: number | null,
): number {
  const wall = mean([...walls]);
  if (concurrentMs === null || walls.length < 2) return wall;
  const estimate = (concurrentMs - Math.max(...walls)) / (walls.length - 1);
  return Math.min(wall, Math.max(Math.min(cpuMs, wall), estimate));
}

/**
 * What the sample says of the task. `coreShare` is the core share a reference loop got when
 * the command started (1 on an idle machine): on a busy machine a call computing 10 ms
 * lasts longer than 10 ms, and that is the other programs, not a wait of the task's.
 */
export function taskProfile(probe: ProbeOutcome, cores: number, coreShare = 1): TaskProfile {
  const others = otherThreads(coreShare, cores);
  const alone = coresGot(1, cores, others);
  const calls = probe.calls;
  // Calls too short to time alone: scale each one's time to the batch's mean.
  const scale =
    probe.batch === null || probe.batch.calls === 0
      ? 1
      : probe.batch.wallMs / probe.batch.calls / Math.max(1e-6, mean(calls.map((c) => c.wallMs)));
  const walls = calls.map((c) => c.wallMs * scale);
  const wallMs = mean(walls);
  const cpuMs = Math.min(
    wallMs,
    probe.batch === null ? mean(calls.map((c) => c.cpuMs)) : probe.batch.cpuMs / probe.batch.calls,
  );
  const overlapped = probe.concurrent === null ? [] : walls.slice(0, probe.concurrent.calls);
  // The share of its wall time a call holds the thread, from the calls run all at once,
  // applied to the whole sample's mean.
  // Below a millisecond the two timings differ by their own overheads more than by any
  // wait; a call that short waits on nothing worth overlapping.
  const share =
    probe.concurrent === null || mean(overlapped) <= 0 || wallMs < SHORTEST_WAIT_MS
      ? 1
      : serialPart(overlapped, cpuMs, probe.concurrent.wallMs) / mean(overlapped);
  return {
    items: probe.items,
    cores,
    wallMs,
    maxWallMs: Math.max(0, ...walls),
    cpuMs,
    // The CPU part, as long as it lasts on this machine now (one thread's share of a core).
    serialMs: Math.min(wallMs, Math.max(cpuMs / alone, share * wallMs)),
    argBytes: mean(calls.map((c) => c.argBytes)),
    resultBytes: mean(calls.map((c) => c.resultBytes)),
    asyncPerCallMs: probe.asyncPerCallMs,
    pools: probe.pools,
    sampled: calls.length,
    errors: calls.filter((c) => c.error !== null).length,
    otherThreads: others,
  };
}
