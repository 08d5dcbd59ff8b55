import {
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkSignal,
  invalid,
} from '../options/validate.ts';
import type { MapOptions } from './map-options.ts';

const MAP_OPTION_KEYS = ['chunksize', 'ordered', 'buffersize', 'signal'] as const;
/** Chunks in flight or unconsumed when the executor's capacity is unbounded (async). */
const DEFAULT_UNLIMITED_BUFFER = 1024;

/** MapOptions checked, with their defaults filled in. */
export interface MapSettings {
  readonly chunksize: number | 'auto';
  readonly ordered: boolean;
  readonly buffersize: number;
  readonly signal: AbortSignal | undefined;
}

export function mapSettings(options: MapOptions, capacity: number): MapSettings {
  checkObject('options', options);
  checkKnownKeys('map()', options, MAP_OPTION_KEYS);
  const chunksize = options.chunksize ?? 'auto';
  if (chunksize !== 'auto') checkInteger('chunksize', chunksize, 1);
  const ordered = options.ordered ?? true;
  if (typeof ordered !== 'boolean') throw invalid('ordered', 'a boolean', ordered);
  const buffersize =
    options.buffersize === undefined
      ? Number.isFinite(capacity)
        ? Math.max(2, capacity * 2)
        : DEFAULT_UNLIMITED_BUFFER
      : checkInteger('buffersize', options.buffersize, 1);
  const signal = options.signal === undefined ? undefined : checkSignal('signal', options.signal);
  return { chunksize, ordered, buffersize, signal };
}
