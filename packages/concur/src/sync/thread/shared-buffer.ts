import { DataCloneError } from '../../errors/errors.ts';
import { invalid } from '../../options/validate.ts';
import type { WireCodec } from '../../runtime/wire.ts';

/** A thread primitive: a thin front over an Int32Array in a SharedArrayBuffer. */
export interface SharedPrimitive {
  readonly buffer: SharedArrayBuffer;
}

/** Checks a buffer handed to `from()`, so a wrong one fails here rather than corrupting memory. */
export function checkBuffer(name: string, buffer: unknown, byteLength: number): SharedArrayBuffer {
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== byteLength) {
    throw invalid(
      'buffer',
      `the SharedArrayBuffer of a ${name} (${byteLength} bytes; pass \`primitive.buffer\`)`,
      buffer,
    );
  }
  return buffer;
}

/**
 * A wire codec for a thread primitive: it travels as its SharedArrayBuffer, which
 * postMessage shares rather than copies, and `from` rebuilds the front in the worker.
 */
export function threadCodec<T extends SharedPrimitive>(
  name: string,
  className: string,
  moduleUrl: string,
  from: (buffer: SharedArrayBuffer) => T,
): WireCodec<T, SharedArrayBuffer> {
  return {
    name,
    moduleUrl,
    encode(value, route) {
      if (route.runtime !== 'thread') {
        throw new DataCloneError(
          `a ${className} lives in shared memory, which a child process does not share; ` +
            `use the Process primitives (ProcessLock, ProcessSemaphore) with a ProcessPoolExecutor`,
        );
      }
      return value.buffer;
    },
    decode: (buffer) => from(buffer),
  };
}
