import type { MessagePort } from 'node:worker_threads';

/** What moves when a marked value is sent: a buffer (a typed array moves its buffer) or a port. */
export type Movable = ArrayBuffer | MessagePort;

/**
 * The values `transfer()` marked in this thread, until a send takes them. `pending` counts
 * the marked ones, so a call with no mark outstanding skips the scan with one read. The
 * marks live on globalThis so that two copies of concur in one program (its dist/ and a
 * bundled copy, say) see the same marks, as the task registry does.
 */
export interface TransferMarks {
  /** Marked by transfer(), not yet taken by a call. */
  readonly marked: WeakSet<object>;
  /** Taken by a call that has not been sent (or has not finished) yet. */
  readonly moving: WeakSet<object>;
  pending: number;
}

const kMarks = Symbol.for('concur.transfer-marks');
const holder = globalThis as { [kMarks]?: TransferMarks };

export const marks: TransferMarks = holder[kMarks] ?? {
  marked: new WeakSet(),
  moving: new WeakSet(),
  pending: 0,
};
holder[kMarks] = marks;
