/**
 * `--share`: puts the big array in shared memory once so thread tasks read it
 * without a copy. It needs the shared-array helper of concur's sync module.
 */
export const SHARE_AVAILABLE = false;

export function shareHaystack(_haystack: number[]): number[] {
  throw new Error(
    "--share needs concur's shared-array support (the sync and shared-memory issue), which is not on this branch yet",
  );
}
