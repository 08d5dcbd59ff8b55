import { readFileSync } from 'node:fs';
import { UsageError } from '../support/args.ts';
import type { IoModel } from './models.ts';

/** Downloads that can be in flight at once under a model (1 for a blocking client). */
export function ioConcurrency(
  model: IoModel,
  downloads: number,
  workers: number,
  atOnce: number,
  perWorker: number,
): number {
  switch (model) {
    case 'sequential':
    case 'async-blocking':
      return 1;
    case 'async':
      return downloads;
    case 'async-limited':
      return atOnce;
    case 'thread':
    case 'process':
      return workers * perWorker;
  }
}

/** The best a model can do against the local server: ceil(N / concurrency) rounds of latency. */
export function idealSeconds(downloads: number, concurrency: number, latencyMs: number): number {
  return (Math.ceil(downloads / Math.max(1, concurrency)) * latencyMs) / 1000;
}

/** URLs from `--urls FILE`: one per line; blank lines and # comments are skipped. */
export function readUrlFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --urls ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const urls = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const url of urls) {
    if (!URL.canParse(url))
      throw new UsageError(`--urls ${path} has a line that is not a URL: '${url}'`);
  }
  if (urls.length === 0) throw new UsageError(`--urls ${path} holds no URL`);
  return urls;
}

/** `count` URLs, cycling through `urls`. */
export function cycleUrls(urls: readonly string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => urls[i % urls.length]!);
}
