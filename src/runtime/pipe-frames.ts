/**
 * Framing of the two pipes between a pool and a child process (see process-runtime.ts).
 * A frame is one kind byte, a uint32 length, then the body. Ours, not Node's IPC channel:
 * the child can read its pipe synchronously while it polls, and write results synchronously,
 * so what it wrote before dying still reaches the parent, in order with everything else.
 */
export const FrameKind = Object.freeze({
  /** A v8-serialized protocol message, either way. */
  Message: 1,
  /** Child -> parent: int32 count of jobs started, written before each job runs. */
  Started: 2,
  /** Child -> parent: UTF-8 JSON record of the uncaught error the child dies of. */
  Fatal: 3,
} as const);

export type FrameKindValue = (typeof FrameKind)[keyof typeof FrameKind];

const HEADER = 5;

/** One frame: header and body in one buffer, so it goes out in one write. */
export function frame(kind: FrameKindValue, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out[0] = kind;
  out.writeUInt32LE(body.length, 1);
  out.set(body, HEADER);
  return out;
}

/**
 * Cuts a byte stream into frames, whatever the chunk boundaries. A push made from inside
 * `onFrame` only queues its bytes: the outer push hands them on in order.
 */
export class FrameReader {
  #pending: Buffer | undefined;
  #busy = false;
  readonly #onFrame: (kind: number, body: Buffer) => void;

  constructor(onFrame: (kind: number, body: Buffer) => void) {
    this.#onFrame = onFrame;
  }

  /** True while a frame is being handed on. */
  get busy(): boolean {
    return this.#busy;
  }

  push(chunk: Buffer): void {
    this.#pending = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (;;) {
        const data: Buffer | undefined = this.#pending;
        if (data === undefined || data.length < HEADER) break;
        const end: number = HEADER + data.readUInt32LE(1);
        if (end > data.length) break;
        this.#pending = end < data.length ? data.subarray(end) : undefined;
        this.#onFrame(data[0] as number, data.subarray(HEADER, end));
      }
    } finally {
      this.#busy = false;
    }
  }
}
