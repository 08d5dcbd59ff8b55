/**
 * Framing of the two pipes between a pool and a child process (see process-runtime.ts).
 * A frame is one kind byte, a uint32 length, then the body. Ours, not Node's IPC channel:
 * the child can read its pipe synchronously while it polls, and write results synchronously,
 * so what it wrote before dying still reaches the parent, in order with everything else.
 */
import { encodeCompact } from './compact-codec.ts';

/** File descriptors of the two pipes in the child (fd 0-2 are its stdio). */
export const PipeFd = Object.freeze({ FromChild: 3, ToChild: 4 } as const);

export const FrameKind = Object.freeze({
  /** A v8-serialized protocol message, either way. */
  Message: 1,
  /** Child -> parent: int32 count of jobs started, written before each job runs. */
  Started: 2,
  /** Child -> parent: UTF-8 JSON record of the uncaught error the child dies of. */
  Fatal: 3,
  /** A protocol message of primitives and plain arrays only, either way (compact-codec.ts). */
  Compact: 4,
} as const);

export type FrameKindValue = (typeof FrameKind)[keyof typeof FrameKind];

const HEADER = 5;

/** Above this size a body goes out after its header rather than copied behind it. */
const JOIN_BELOW = 64 * 1024;

/**
 * One frame, as the buffers to write in order: header and body joined for a small body
 * (one write), apart for a large one (no copy of, say, a 50 MB body).
 */
export function frame(kind: FrameKindValue, body: Uint8Array): Uint8Array[] {
  const joined = body.length < JOIN_BELOW;
  const out = Buffer.allocUnsafe(joined ? HEADER + body.length : HEADER);
  out[0] = kind;
  out.writeUInt32LE(body.length, 1);
  if (!joined) return [out, body];
  out.set(body, HEADER);
  return [out];
}

/** `message` as one Compact frame, or undefined if it holds more than primitives and plain arrays. */
export function compactFrame(message: object): Buffer | undefined {
  const out = encodeCompact(message, HEADER);
  if (out === undefined) return undefined;
  out[0] = FrameKind.Compact;
  out.writeUInt32LE(out.length - HEADER, 1);
  return out;
}

/**
 * Cuts a byte stream into frames, whatever the chunk boundaries. A frame larger than a
 * chunk is gathered as a list and joined once, when complete: joining at every chunk
 * would copy a 50 MB frame about 800 times. A push made from inside `onFrame` only
 * queues its bytes: the outer push hands them on in order.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Bytes the next frame needs: its header, then header and body. */
  #need = HEADER;
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
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    if (this.#busy || this.#buffered < this.#need) return;
    this.#busy = true;
    try {
      this.#drain();
    } finally {
      this.#busy = false;
    }
  }

  #drain(): void {
    while (this.#buffered >= this.#need) {
      const data =
        this.#chunks.length === 1
          ? (this.#chunks[0] as Buffer)
          : Buffer.concat(this.#chunks, this.#buffered);
      this.#chunks = [data];
      if (data.length < HEADER) return;
      const end = HEADER + data.readUInt32LE(1);
      if (end > data.length) {
        this.#need = end;
        return;
      }
      const rest = data.subarray(end);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#buffered = rest.length;
      this.#need = HEADER;
      this.#onFrame(data[0] as number, data.subarray(HEADER, end));
    }
  }
}
