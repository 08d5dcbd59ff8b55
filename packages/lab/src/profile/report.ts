import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatSeconds } from '../render/format.ts';
import { renderTable } from '../render/table.ts';
import type { FunctionProfile, LineProfile } from './profile-data.ts';

export function hottestFunctions(profile: LineProfile, top: number): FunctionProfile[] {
  return [...profile.functions].sort((a, b) => b.samples - a.samples).slice(0, top);
}

function sourceLines(url: string): string[] {
  try {
    return readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** A kernprof-like table per function: line, samples, time, % time, source line. */
export function renderProfile(profile: LineProfile, top: number): string {
  const total = Math.max(1, profile.totalSamples);
  const perSample = profile.durationMicros / 1e6 / total;
  const parts = [
    `${profile.totalSamples} samples over ${formatSeconds(profile.durationMicros / 1e6)} (1 sample = ${(perSample * 1e3).toFixed(3)} ms)`,
  ];
  const other = profile.other
    .filter((o) => o.samples > 0)
    .map((o) => `${o.name} ${((100 * o.samples) / total).toFixed(1)}%`);
  if (other.length > 0) parts.push(`outside the program's functions: ${other.join(', ')}`);
  for (const fn of hottestFunctions(profile, top)) {
    const where = fn.url.startsWith('file:') ? fileURLToPath(fn.url) : fn.url;
    const source = sourceLines(fn.url);
    parts.push(
      '',
      `${fn.name} at ${where}:${fn.line}: ${fn.samples} samples, ${((100 * fn.samples) / total).toFixed(1)}% of the time`,
      renderTable(
        [
          { header: 'Line' },
          { header: 'Samples' },
          { header: 'Time' },
          { header: '% Time' },
          { header: 'Line Contents', align: 'left' },
        ],
        fn.lines.map((l) => [
          String(l.line),
          String(l.samples),
          formatSeconds(l.samples * perSample),
          `${((100 * l.samples) / total).toFixed(1)}`,
          (source[l.line - 1] ?? '').trimEnd(),
        ]),
      ),
    );
  }
  return parts.join('\n');
}
