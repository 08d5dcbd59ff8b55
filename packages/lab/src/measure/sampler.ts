import { killSurvivors, readCpuTimes, treeUsage } from './proc.ts';

/** One point of the Activity Monitor view: how busy each core was since the previous point. */
export interface CoreSample {
  /** Seconds since sampling started. */
  t: number;
  /** Busy fraction (0..1) of each core over the interval: the whole machine. */
  cores: number[];
  /** Cores kept busy by the run's own process tree over the interval. */
  run: number;
}

export interface SamplerResult {
  peakRssBytes: number;
  timeline: CoreSample[];
}

/**
 * Samples, from outside the run, the resident memory of a process tree and the
 * per-core CPU use of the machine. It runs in the parent so that a run that blocks
 * its own event loop (sequential code) is still observed.
 */
export class TreeSampler {
  readonly #root: number;
  readonly #timer: NodeJS.Timeout;
  readonly #start = performance.now();
  #previous = readCpuTimes();
  #previousAt = performance.now();
  #previousRunCpu = 0;
  #peak = 0;
  #timeline: CoreSample[] = [];
  #first = true;
  readonly #seen = new Map<number, number>();

  constructor(root: number, intervalMs = 100) {
    this.#root = root;
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
    this.sample();
  }

  sample(): void {
    const tree = treeUsage(this.#root);
    for (const [pid, start] of tree.descendants) this.#seen.set(pid, start);
    this.#peak = Math.max(this.#peak, tree.rssBytes);
    const at = performance.now();
    const runCpu = tree.cpuSeconds;
    const now = readCpuTimes();
    const cores = now.map((c, i) => {
      const before = this.#previous[i];
      const total = c.total - (before?.total ?? 0);
      return total > 0 ? Math.min(1, (c.busy - (before?.busy ?? 0)) / total) : 0;
    });
    if (now.length > 0 && !this.#first) {
      const interval = (at - this.#previousAt) / 1000;
      const run = interval > 0 ? Math.max(0, runCpu - this.#previousRunCpu) / interval : 0;
      this.#timeline.push({ t: (at - this.#start) / 1000, cores, run });
    }
    // A tree that has exited reads as zero: keep the last reading so the next delta is not negative.
    if (tree.rssBytes > 0) this.#previousRunCpu = runCpu;
    this.#previousAt = at;
    this.#previous = now;
    this.#first = false;
  }

  stop(): SamplerResult {
    clearInterval(this.#timer);
    return { peakRssBytes: this.#peak, timeline: this.#timeline };
  }

  /**
   * Once the root has exited: kills every process the samples saw under it that still
   * runs. A root killed outright (SIGKILL) cannot stop what it started, such as a queue
   * run's redis-server and worker, which would otherwise run on as orphans.
   */
  killLeftovers(): number[] {
    return killSurvivors(this.#seen);
  }
}
