import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longest a test waits for something that must happen; a failure, not a hang, if it does not. */
export const PATIENCE_MS = 30_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it is true; throws after PATIENCE_MS naming `what`. */
export async function waitUntil(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

/**
 * A temporary folder where tasks leave marks and wait for gates, so a test can
 * hold a task running, or know that it started, in any thread or process.
 */
export class Scratch implements Disposable {
  readonly dir = mkdtempSync(join(tmpdir(), 'concur-test-'));

  /** Path to pass to the `gate` and `spin` tasks. */
  path(name: string): string {
    return join(this.dir, name);
  }

  started(name: string): Promise<void> {
    return waitUntil(`task ${name} started`, () => existsSync(`${this.path(name)}.started`));
  }

  hasStarted(name: string): boolean {
    return existsSync(`${this.path(name)}.started`);
  }

  open(name: string): void {
    writeFileSync(`${this.path(name)}.go`, '');
  }

  /** Opens every gate, present and future (used before shutting down after a failure). */
  openAll(): void {
    writeFileSync(join(this.dir, 'all.go'), '');
  }

  /** Files named `item-*` that `touch` tasks wrote. */
  touched(): number[] {
    return readdirSync(this.dir)
      .filter((f) => f.startsWith('item-'))
      .map((f) => Number(f.slice(5)))
      .sort((a, b) => a - b);
  }

  [Symbol.dispose](): void {
    this.openAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
