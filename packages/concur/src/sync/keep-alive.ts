/**
 * Keeps the program alive while a wait is pending that only another thread or process
 * can end (Atomics.waitAsync, a request to the parent's broker): Node does not count
 * those as pending work, so a program whose last task returned would exit (code 13)
 * under a waiter that a worker was still going to wake. One timer for every waiter,
 * ref'd while any is pending.
 */
let pending = 0;
let timer: NodeJS.Timeout | undefined;

export function holdAlive(): () => void {
  if (pending++ === 0) {
    timer ??= setInterval(() => {}, 1 << 30);
    timer.ref();
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--pending === 0) timer?.unref();
  };
}
