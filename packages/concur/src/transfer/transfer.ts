import type { MessagePort } from 'node:worker_threads';
import * as workerThreads from 'node:worker_threads';
import { TransferError } from '../errors/errors.ts';
import { describeValue } from '../options/validate.ts';
import { type Movable, marks } from './transfer-marks.ts';

/** What `transfer()` accepts: a buffer, a view on one (its whole buffer moves), or a port. */
export type TransferableValue = ArrayBuffer | ArrayBufferView | MessagePort;

// Node 21+ throws from postMessage on a buffer marked untransferable (Buffer's shared pool);
// Node 20 has no way to ask, and copies it.
const isUntransferable = (workerThreads as { isMarkedAsUntransferable?: (v: object) => boolean })
  .isMarkedAsUntransferable;

function tag(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** `a Uint8Array`, `an ArrayBuffer` (no typed array's name starts with a vowel sound spelt U). */
function a(name: string): string {
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}

function describe(value: object): string {
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer as ArrayBufferLike;
    return `${a(value.constructor.name)} over ${a(tag(buffer))} of ${buffer.byteLength} bytes`;
  }
  if (value instanceof workerThreads.MessagePort) return 'a MessagePort';
  return `${a(tag(value))} of ${(value as ArrayBufferLike).byteLength} bytes`;
}

function isDetached(buffer: ArrayBuffer): boolean {
  if (buffer.byteLength !== 0) return false;
  const flag = (buffer as { detached?: unknown }).detached;
  if (typeof flag === 'boolean') return flag;
  try {
    buffer.slice(0);
    return false;
  } catch {
    return true;
  }
}

/** The object that actually moves for `value`, or a TransferError saying why it cannot. */
function movableOf(value: unknown): Movable {
  if (value instanceof workerThreads.MessagePort) return value;
  const buffer: object | undefined = ArrayBuffer.isView(value)
    ? value.buffer
    : value !== null && typeof value === 'object'
      ? value
      : undefined;
  const kind = buffer === undefined ? undefined : tag(buffer);
  if (kind === 'SharedArrayBuffer') {
    throw new TransferError(
      `transfer() cannot move ${describe(value as object)}: shared memory is never moved, ` +
        'every thread already sees the same bytes. Pass it without transfer() ' +
        '(worker threads share it; child processes get a copy).',
    );
  }
  if (kind !== 'ArrayBuffer') {
    throw new TransferError(
      `transfer() moves an ArrayBuffer, a typed array or DataView (with its whole buffer) or a MessagePort, ` +
        `got ${value !== null && typeof value === 'object' ? a(tag(value)) : describeValue(value)}. ` +
        'Pass other values without transfer(): they are copied.',
    );
  }
  const arrayBuffer = buffer as ArrayBuffer;
  if (isDetached(arrayBuffer)) {
    throw new TransferError(
      `transfer() got ${describe(value as object)} whose buffer is detached: it was moved already ` +
        '(to a worker, or by postMessage) and has no bytes here any more. ' +
        "Use the value that came back (a task's result), or allocate a new buffer.",
    );
  }
  if (isUntransferable?.(arrayBuffer) === true) {
    throw new TransferError(
      `transfer() cannot move ${describe(value as object)}: Node marked that buffer untransferable ` +
        "(a small Buffer shares Node's pool with other Buffers). " +
        'Copy it into a buffer of its own first (`new Uint8Array(buffer)`), or pass it without transfer().',
    );
  }
  return arrayBuffer;
}

/**
 * Marks `value` to be moved, not copied, when it is sent to a worker thread: in a call's
 * arguments (anywhere inside them) or in a task's result. Returns `value` itself. After
 * the send the sender's buffer is detached (length 0): the bytes now belong to the other
 * side. A typed array or DataView moves its whole buffer; a MessagePort moves too.
 * Child processes copy the value instead (the sender's buffer stays usable); in-process
 * executors pass it as it is.
 *
 * @example
 * const image = new Uint8Array(64 * 1024 * 1024);
 * const inverted = await pool.submit(invert, transfer(image)); // image.byteLength is now 0
 * // in the task module: return transfer(output);
 */
export function transfer<T extends TransferableValue>(value: T): T {
  const movable = movableOf(value);
  if (marks.marked.has(movable)) return value;
  if (marks.moving.has(movable)) {
    throw new TransferError(
      `transfer() got ${describe(value)} that an earlier call is already moving (it has not been sent yet): ` +
        'a buffer can be moved once. Move a copy (`transfer(view.slice())`), or wait for that call to finish ' +
        'and use what it returns.',
    );
  }
  marks.marked.add(movable);
  marks.pending++;
  return value;
}
