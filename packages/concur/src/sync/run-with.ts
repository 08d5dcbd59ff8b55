/**
 * Runs `fn` between `acquire()` and the handle's `release()`, releasing however `fn`
 * ends. Every primitive's `runExclusive` is this, whatever level it locks at.
 */
export async function runWith<R>(
  acquire: () => Promise<{ release(): void }>,
  fn: () => R | PromiseLike<R>,
): Promise<Awaited<R>> {
  const held = await acquire();
  try {
    return await fn();
  } finally {
    held.release();
  }
}
