import { readFileSync } from 'node:fs';
import { treeUsage } from '../../packages/lab/src/measure/proc.ts';

export interface SeenProcess {
  pid: number;
  startTicks: number;
  /** Its command line, as /proc shows it (redis-server rewrites its own). */
  command: string;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function startOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // A zombie has ended; it only waits for its parent to read its exit status.
    return fields[0] === 'Z' ? undefined : Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Every process seen under `root` while it runs, sampled from /proc every 50 ms. */
export class TreeWatcher {
  readonly seen = new Map<number, SeenProcess>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly root: number) {
    this.#timer = setInterval(() => this.sample(), 50);
  }

  sample(): void {
    for (const [pid, startTicks] of treeUsage(this.root).descendants) {
      // Read every time: between fork and exec a child still shows its parent's command line.
      const command = commandOf(pid);
      const known = this.seen.get(pid);
      if (known?.startTicks === startTicks && command === '') continue;
      this.seen.set(pid, { pid, startTicks, command });
    }
  }

  /** The processes whose command line matches. */
  find(pattern: RegExp): SeenProcess[] {
    return [...this.seen.values()].filter((p) => pattern.test(p.command));
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Whether that very process (not a later one under the same pid) still runs. */
export function stillRuns(p: SeenProcess): boolean {
  return startOf(p.pid) === p.startTicks;
}

/** Resolves once `check` is true, polling every 50 ms; rejects after `ms`. */
export async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
