import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The kernel's id of the calling thread (Linux; 0 elsewhere). Node does not expose it;
 * /proc/thread-self links to `<pid>/task/<tid>`.
 */
export function osThreadId(): number {
  if (process.platform !== 'linux') return 0;
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || 0;
  } catch {
    return 0;
  }
}

function childrenOf(taskDir: string): number[] {
  try {
    return readFileSync(`${taskDir}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function descendants(pid: number): number[] {
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    childrenOf(`/proc/${pid}/task/${tid}`).flatMap((child) => [child, ...descendants(child)]),
  );
}

/**
 * SIGKILLs every process the thread `tid` of this process started, and theirs. A
 * worker thread blocked in execSync() or spawnSync() cannot be terminated until the
 * call returns, and Node joins every thread before the process exits, so the program
 * would wait for that child too: killing it ends the call. Linux only (/proc); elsewhere
 * the thread ends when its call returns.
 */
export function killThreadChildren(tid: number): number {
  if (process.platform !== 'linux' || tid <= 0) return 0;
  const pids = childrenOf(`/proc/self/task/${tid}`).flatMap((child) => [
    child,
    ...descendants(child),
  ]);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids.length;
}
