import { type Job, JobState } from './job.ts';

/**
 * FIFO of queued jobs on a growable ring buffer. Removal from the middle
 * (cancel, abort) is lazy: the job's state leaves Queued and `shift` skips it,
 * so cancel is O(1) and the hot path never splices.
 */
export class JobQueue {
  #items: (Job | undefined)[] = new Array(64);
  #head = 0;
  #length = 0;
  #live = 0;

  /** Jobs still queued (removed ones not counted). */
  get size(): number {
    return this.#live;
  }

  push(job: Job): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = job;
    this.#length++;
    this.#live++;
  }

  /** Puts a job back at the front (a worker died before starting it). */
  unshift(job: Job): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = job;
    this.#length++;
    this.#live++;
  }

  shift(): Job | undefined {
    while (this.#length > 0) {
      const job = this.#items[this.#head]!;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) & (this.#items.length - 1);
      this.#length--;
      if (job.state === JobState.Queued) {
        this.#live--;
        return job;
      }
    }
    return undefined;
  }

  /** Call after moving a queued job out of the Queued state by other means. */
  forget(): void {
    this.#live--;
  }

  /** Removes and returns every queued job. */
  drain(): Job[] {
    const out: Job[] = [];
    for (let job = this.shift(); job !== undefined; job = this.shift()) out.push(job);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const next: (Job | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
