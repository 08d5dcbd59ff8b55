import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const PARENT = fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url));

/** A zombie (state Z) waiting for init to reap it counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a process worker whose parent is SIGKILLed', {
  skip: process.platform !== 'linux',
}, () => {
  it('dies too, even while its task runs a loop that never yields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-orphan-'));
    const mark = join(dir, 'spin');
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, mark], { stdio: 'inherit' });
    let child = 0;
    try {
      // The file exists a moment before its pid is written in it.
      const started = () =>
        existsSync(`${mark}.started`) ? readFileSync(`${mark}.started`, 'utf8').trim() : '';
      await until('the task starts', () => started() !== '', 60_000);
      child = Number(started());
      assert.ok(alive(child), 'the worker runs the loop');
      parent.kill('SIGKILL');
      // An existence check with a deadline, not a timing: the watchdog looks every 250 ms.
      await until(`worker ${child} exits after its parent`, () => !alive(child), 10_000);
    } finally {
      parent.kill('SIGKILL');
      if (child > 0 && alive(child)) process.kill(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
