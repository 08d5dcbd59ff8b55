import { DataCloneError } from 'concur';
import { ChunkFailure, type DecodeOptions, JobMode } from 'concur/backend';
import { fromBullFailure } from './error-codec.ts';
import type { JobCodec } from './job-codec.ts';
import type { ChunkFailureExtra, QueueJobResult } from './job-data.ts';

/** A finished job as the executor reads it back from BullMQ. */
export type JobOutcome =
  | { readonly ok: true; readonly value: unknown; readonly runMs: number | undefined }
  | { readonly ok: false; readonly error: unknown };

/** Decodes a completed job's `returnvalue`; a result the codec cannot read is a DataCloneError. */
export function completedOutcome(codec: JobCodec, id: string, returnvalue: unknown): JobOutcome {
  try {
    const result = returnvalue as Partial<QueueJobResult> | null;
    if (typeof result?.v !== 'string') throw new Error('it is not a concur job result');
    // Never 0: the base only uses a measured run time above 0.
    const runMs = typeof result.ms === 'number' ? Math.max(result.ms, 1e-3) : undefined;
    return { ok: true, value: codec.decode(result.v), runMs };
  } catch (error) {
    return {
      ok: false,
      error: new DataCloneError(
        `The result of job ${id} could not be decoded: ${(error as Error).message}`,
        { cause: error },
      ),
    };
  }
}

/** The error of a failed job; for a map chunk, a ChunkFailure with the values before it. */
export function failedOutcome(
  codec: JobCodec,
  mode: JobMode,
  stacktrace: string[] | null,
  reason: string,
  options: DecodeOptions = {},
): JobOutcome {
  const { error, extra } = fromBullFailure(stacktrace, reason, options);
  if (mode === JobMode.Call) return { ok: false, error };
  const chunk = extra as Partial<ChunkFailureExtra>;
  let values: unknown[] = [];
  if (typeof chunk.values === 'string') {
    try {
      values = codec.decode(chunk.values) as unknown[];
    } catch {
      values = [];
    }
  }
  const index = typeof chunk.index === 'number' ? chunk.index : values.length;
  return { ok: false, error: new ChunkFailure(index, values.slice(0, index), error) };
}
