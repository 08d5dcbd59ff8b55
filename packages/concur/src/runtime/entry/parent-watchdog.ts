import { Worker } from 'node:worker_threads';

/** How often the watchdog looks for its parent: a child outlives a killed parent by at most this. */
export const WATCH_MS = 250;

/**
 * The code of the watchdog thread. The child's own thread may be running a task that
 * never yields (a CPU loop), so neither 'disconnect' nor the end of our pipes, both
 * events on that thread's loop, would ever be seen; Linux's PR_SET_PDEATHSIG would do
 * it, but Node offers no way to set it without a native addon. This thread has an
 * event loop of its own: it checks every WATCH_MS that the parent still exists (our
 * ppid changes when we are reparented; `kill(pid, 0)` fails once it is gone, which is
 * what Windows can tell) and SIGKILLs this whole process when it is not. process.exit()
 * here would end only the watchdog thread.
 */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { parentPid, ms } = workerData;
function gone() {
  if (process.ppid !== parentPid) return true;
  try { process.kill(parentPid, 0); return false; } catch (error) { return error.code === 'ESRCH'; }
}
setInterval(() => { if (gone()) process.kill(process.pid, 'SIGKILL'); }, ms);
`;

/**
 * Starts the watchdog thread of a process worker. It never keeps the child alive:
 * the child exits as it always did (end of its pipe, 'disconnect', a stop message).
 */
export function watchParent(parentPid: number): void {
  if (!Number.isInteger(parentPid) || parentPid <= 1) return;
  const worker = new Worker(WATCHDOG, {
    eval: true,
    workerData: { parentPid, ms: WATCH_MS },
    // Not the child's execArgv: a loader such as --import tsx would cost this tiny thread ~50 ms.
    execArgv: [],
  });
  worker.unref();
}
