// Turns V8's CPU profile of the profiled process into line ticks of the original sources.
import { findSourceMap } from 'node:module';
import type { FunctionProfile, LineProfile } from './profile-data.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/**
 * Code that runs in the profiled process without being the program's: the profiler's own
 * modules, and tsx compiling TypeScript. Its samples are counted under `name`, apart from
 * the program's functions, with those of what it calls until the program's code runs again.
 */
export interface Machinery {
  /** URL prefix of its files. */
  prefix: string;
  name: string;
}

/** What the profiled process runs besides the program. */
export interface ProfiledProcess {
  machinery: Machinery[];
  /** URL prefixes of packages that machinery calls (esbuild): theirs when machinery calls them. */
  helpers: string[];
}

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

/**
 * For each node that is machinery's work, the name to count its samples under: a frame of
 * machinery's files, and what it calls until the program's code runs again (a module that
 * line-require.ts compiles runs inside the profiler's frame). On Node 20, tsx and the
 * profiler's hook transpile in the loaders' thread, which V8 does not sample; from 22.15
 * they do it in this one.
 */
function machineryNodes(profile: Profile, besides: ProfiledProcess): Map<number, string> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const machineryOf = (url: string) => besides.machinery.find((m) => url.startsWith(m.prefix));
  const isProgram = (url: string) =>
    url.startsWith('file:') &&
    machineryOf(url) === undefined &&
    !besides.helpers.some((prefix) => url.startsWith(prefix));
  const owner = new Map<number, string>();
  const stack: [number, string | undefined][] = profile.nodes
    .filter((node) => !children.has(node.id))
    .map((node) => [node.id, undefined]);
  while (stack.length > 0) {
    const [id, parentOwner] = stack.pop()!;
    const node = byId.get(id);
    if (node === undefined) continue;
    const { url } = node.callFrame;
    const here = machineryOf(url)?.name ?? (isProgram(url) ? undefined : parentOwner);
    if (here !== undefined) owner.set(id, here);
    for (const child of node.children ?? []) stack.push([child, here]);
  }
  return owner;
}

export function summarize(profile: Profile, besides: ProfiledProcess): LineProfile {
  const functions = new Map<string, FunctionProfile & { byLine: Map<number, number> }>();
  const other = new Map<string, number>();
  const count = (name: string, hits: number) => other.set(name, (other.get(name) ?? 0) + hits);
  const machinery = machineryNodes(profile, besides);
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0) continue;
    const owner = machinery.get(node.id);
    if (owner !== undefined) {
      count(owner, hits);
      continue;
    }
    if (url === '') {
      count(functionName || '(anonymous)', hits);
      continue;
    }
    if (!url.startsWith('file:')) continue;
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
