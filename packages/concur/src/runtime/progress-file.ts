import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A child process's count of jobs started, kept in a 4-byte file both sides hold open,
 * rather than sent down its result pipe. The count must be where the parent can read it
 * even if the child dies in the next instruction, so the child writes it, synchronously,
 * before each job. As a frame on the pipe, that write woke the parent's event loop a
 * second time per job (a Started frame alone, then the result; seen with strace on the
 * b scenario); a positional write into a file wakes nobody, and the parent reads the
 * file only once the child has exited.
 */

/** The file's descriptor in the child (0-2 stdio, 3-4 our pipes, 5 the IPC channel). */
export const PROGRESS_FD = 6;

let nextFile = 0;

/** The parent's end: created before the fork, read once after the child's exit. */
export class ProgressFile {
  readonly fd: number;
  readonly #path: string | undefined;
  readonly #bytes = Buffer.alloc(4);
  #closed = false;

  /** Opens a new file; throws if the temporary folder refuses it (the caller falls back to frames). */
  constructor() {
    const path = join(tmpdir(), `concur-progress-${process.pid}-${nextFile++}`);
    this.fd = openSync(path, 'wx+', 0o600);
    // The descriptors keep it alive; Windows cannot remove an open file, so there it goes at close.
    if (process.platform === 'win32') {
      this.#path = path;
    } else {
      unlinkSync(path);
      this.#path = undefined;
    }
  }

  /** The count the child wrote last (0 before its first job). */
  read(): number {
    if (this.#closed) return 0;
    const n = readSync(this.fd, this.#bytes, 0, 4, 0);
    return n === 4 ? this.#bytes.readInt32LE(0) : 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.fd);
    if (this.#path !== undefined) {
      try {
        unlinkSync(this.#path);
      } catch {
        // Someone else removed it: nothing left to clean.
      }
    }
  }
}

/**
 * The child's end: writes the count at the start of the file. If a write fails (the disk
 * is full: ENOSPC), this count and every later one go to `fallback` (a Started frame),
 * and the parent takes the larger of the two counts. Failing would crash the child before
 * its job counts as started, and the job would go to a new child, again and again.
 */
export function progressWriter(
  fd: number,
  fallback: (count: number) => void,
): (count: number) => void {
  const bytes = Buffer.alloc(4);
  let failed = false;
  return (count) => {
    if (!failed) {
      bytes.writeInt32LE(count, 0);
      try {
        writeSync(fd, bytes, 0, 4, 0);
        return;
      } catch {
        failed = true;
      }
    }
    fallback(count);
  };
}
