// Tasks of the at-least-once example (idempotent.ts). A queue may run a task twice: when
// the worker running it dies, another worker runs it again from the start. So the task
// must leave the world as if it had run once.
import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { task } from 'concur';

/**
 * Writes `report-<id>.txt` in `dir` and returns its path. Idempotent:
 * - the output path depends only on the input, so a second run targets the same file;
 * - a run that finds the report done returns at once;
 * - the report is written to a temporary file and renamed, so a run killed halfway
 *   never leaves half a report where a reader would find it.
 * (A task that appended to a shared total instead would count a rerun twice.)
 */
export const writeReport = task(
  import.meta.url,
  async function writeReport(dir: string, id: number, workMs: number) {
    // Only so the example can show who ran what: one line per attempt.
    appendFileSync(join(dir, 'attempts.log'), `${id} ${process.pid}\n`);
    const out = join(dir, `report-${id}.txt`);
    if (existsSync(out)) return out;
    await new Promise((resolve) => setTimeout(resolve, workMs)); // the long part
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, `report ${id}: ${id * id}\n`);
    renameSync(tmp, out);
    return out;
  },
);
