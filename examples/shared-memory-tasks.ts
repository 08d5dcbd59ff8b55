import { threadId } from 'node:worker_threads';
import { task } from 'concur';

/** The story's search: how many of `needles` are in `haystack`, by linear scan. */
export const search = task(
  import.meta.url,
  function search(needles: number[], haystack: ArrayLike<number>) {
    let found = 0;
    for (const needle of needles) {
      for (let i = 0; i < haystack.length; i++) {
        if (haystack[i] === needle) {
          found++;
          break;
        }
      }
    }
    return {
      found,
      worker: threadId === 0 ? process.pid : threadId,
      maxRssKb: process.resourceUsage().maxRSS,
    };
  },
);

/** Warms a worker up; takes long enough that the pool stops sending several tasks per worker. */
export const warmUp = task(import.meta.url, async function warmUp() {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return process.resourceUsage().maxRSS;
});
