import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export const hasProc = ((): boolean => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of every thread, alive or exited, in seconds. */
  cpuSeconds: number;
  /** cutime + cstime: CPU of children this process has waited for, in seconds. */
  childrenCpuSeconds: number;
  rssBytes: number;
  /** Clock ticks after boot when it started: with the pid, names one process for good. */
  startTicks: number;
}

function readStat(pid: number | 'self'): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const num = (i: number): number => Number(fields[i - 3]);
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: num(4),
    cpuSeconds: (num(14) + num(15)) / TICKS_PER_SECOND,
    childrenCpuSeconds: (num(16) + num(17)) / TICKS_PER_SECOND,
    rssBytes: num(24) * 4096,
    startTicks: num(22),
  };
}

/**
 * CPU seconds used so far by this process (all its threads) and by the child
 * processes it has already reaped. Read before and after a run, the difference is
 * the CPU time of every thread and process of the run, once pools have shut down.
 */
export function selfTreeCpuSeconds(): number {
  const stat = hasProc ? readStat('self') : undefined;
  if (stat !== undefined) return stat.cpuSeconds + stat.childrenCpuSeconds;
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * selfTreeCpuSeconds plus the CPU of descendants still running, such as a queue
 * run's redis-server and worker: they are reaped only after the timed part.
 */
export function treeCpuSeconds(): number {
  return hasProc ? treeUsage(process.pid).cpuSeconds : selfTreeCpuSeconds();
}

export interface TreeUsage {
  /** Resident memory of every process of the tree, in bytes. */
  rssBytes: number;
  /** CPU seconds of the tree so far: each process, all its threads and its reaped children. */
  cpuSeconds: number;
  /** Every descendant of `root` (not root itself), pid to start time. */
  descendants: Map<number, number>;
}

/** Memory and CPU of `root` and all its descendants (zeros if `root` is gone). */
export function treeUsage(root: number): TreeUsage {
  const usage: TreeUsage = { rssBytes: 0, cpuSeconds: 0, descendants: new Map() };
  if (!hasProc) return usage;
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat === undefined) continue;
    stats.set(pid, stat);
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [pid]);
    else siblings.push(pid);
  }
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const stat = stats.get(pid);
    if (stat !== undefined) {
      usage.rssBytes += stat.rssBytes;
      usage.cpuSeconds += stat.cpuSeconds + stat.childrenCpuSeconds;
      if (pid !== root) usage.descendants.set(pid, stat.startTicks);
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return usage;
}

/**
 * SIGKILLs the processes of `known` (pid to start time) that still run, and returns
 * their pids. The start time guards against a pid the system has since given to
 * another process.
 */
export function killSurvivors(known: ReadonlyMap<number, number>): number[] {
  const killed: number[] = [];
  for (const [pid, startTicks] of known) {
    if (readStat(pid)?.startTicks !== startTicks) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {}
  }
  return killed;
}

/** Busy and total jiffies of each CPU, from /proc/stat. */
export function readCpuTimes(): { busy: number; total: number }[] {
  if (!hasProc) return [];
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const cpus: { busy: number; total: number }[] = [];
  for (const line of lines) {
    if (!/^cpu\d+ /.test(line)) continue;
    const [, ...values] = line.trim().split(/\s+/);
    const n = values.map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    cpus.push({ busy: total - idle, total });
  }
  return cpus;
}
