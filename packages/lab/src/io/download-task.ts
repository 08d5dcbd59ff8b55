import { task } from 'concur';
import { getSync } from './blocking-client.ts';
import { fetchCounting } from './download-result.ts';

/** Non-blocking download with fetch: the story's aiohttp step. */
export const download = task(import.meta.url, function download(url: string) {
  return fetchCounting(url);
});

/**
 * The story's mistake: an async function that calls a blocking HTTP client. It is
 * declared async and runs under coroutines, yet each call freezes the event loop
 * until its response has arrived, so downloads happen one after another.
 */
export const downloadBlocking = task(import.meta.url, async function downloadBlocking(url: string) {
  return getSync(url);
});
