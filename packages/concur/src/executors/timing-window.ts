import type { TimingPercentiles } from './executor.ts';

const SIZE = 1024;

/** The last 1,024 samples of a duration, for p50/p99 without unbounded memory. */
export class TimingWindow {
  #samples = new Float64Array(SIZE);
  #count = 0;

  add(ms: number): void {
    this.#samples[this.#count++ & (SIZE - 1)] = ms;
  }

  percentiles(): TimingPercentiles {
    const n = Math.min(this.#count, SIZE);
    if (n === 0) return { p50: 0, p99: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }
}
