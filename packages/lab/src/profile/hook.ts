// Preloaded (--import) into the process that `concur profile` runs: samples it with
// V8's profiler from the first line to exit, and writes the line ticks, mapped back
// to the original source, where the parent asked.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire, findSourceMap, register } from 'node:module';
import { installLineRequire } from './line-require.ts';
import type { FunctionProfile, LineProfile } from './profile-data.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: CallFrame;
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

const out = process.env.CONCUR_PROFILE_OUT;
const interval = Number(process.env.CONCUR_PROFILE_INTERVAL_US ?? 100);
const selfUrl = import.meta.url;

process.setSourceMapsEnabled(true);
if (process.env.CONCUR_PROFILE_TS_LINES === '1') {
  // esbuild comes with tsx, which a TypeScript target needs anyway.
  const esbuildPath = createRequire(import.meta.resolve('tsx')).resolve('esbuild');
  register(new URL(selfUrl.endsWith('.ts') ? './line-loader.ts' : './line-loader.js', selfUrl), {
    parentURL: selfUrl,
    data: { esbuildPath },
  });
  installLineRequire(esbuildPath);
}

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval });
session.post('Profiler.start');

/** Maps a 1-based generated line to [original URL, 1-based original line]. */
function original(url: string, line: number): [string, number] {
  const map = url.startsWith('file:') ? findSourceMap(url) : undefined;
  if (map === undefined) return [url, line];
  // The last mapping on that generated line; a line of code maps to one original line.
  const entry = map.findEntry(line - 1, Number.MAX_SAFE_INTEGER) as {
    generatedLine?: number;
    originalLine?: number;
    originalSource?: string;
  };
  if (entry.generatedLine !== line - 1 || entry.originalLine === undefined) return [url, line];
  return [entry.originalSource ?? url, entry.originalLine + 1];
}

function summarize(profile: Profile): LineProfile {
  const functions = new Map<string, FunctionProfile & { byLine: Map<number, number> }>();
  const other = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0) continue;
    if (url === '') {
      const name = functionName || '(anonymous)';
      other.set(name, (other.get(name) ?? 0) + hits);
      continue;
    }
    if (url === selfUrl || !url.startsWith('file:')) continue;
    const [source, line] = original(url, lineNumber + 1);
    const key = `${source}:${line}:${functionName}`;
    let fn = functions.get(key);
    if (fn === undefined) {
      const name = functionName || (lineNumber === 0 ? '(top level)' : '(anonymous)');
      fn = { name, url: source, line, samples: 0, lines: [], byLine: new Map() };
      functions.set(key, fn);
    }
    fn.samples += hits;
    for (const tick of node.positionTicks ?? []) {
      const [, at] = original(url, tick.line);
      fn.byLine.set(at, (fn.byLine.get(at) ?? 0) + tick.ticks);
    }
  }
  return {
    totalSamples: profile.samples?.length ?? 0,
    durationMicros: profile.endTime - profile.startTime,
    functions: [...functions.values()].map(({ byLine, ...fn }) => ({
      ...fn,
      lines: [...byLine]
        .map(([line, samples]) => ({ line, samples }))
        .sort((a, b) => a.line - b.line),
    })),
    other: [...other].map(([name, samples]) => ({ name, samples })),
  };
}

process.on('exit', () => {
  // An in-thread inspector session answers synchronously, which is what makes this work at exit.
  session.post('Profiler.stop', (error, result) => {
    if (error !== null || out === undefined) return;
    writeFileSync(out, JSON.stringify(summarize((result as { profile: Profile }).profile)));
  });
  session.disconnect();
});
