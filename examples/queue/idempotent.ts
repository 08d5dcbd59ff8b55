// Delivery through a queue is at least once. This example kills a worker in the middle
// of a job and shows the job run again on the other worker, and why that is harmless
// for an idempotent task. It starts a private redis-server and two `concur worker`s.
//   node --import tsx examples/queue/idempotent.ts
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalQueueCluster } from 'concur-queue';
import { writeReport } from './report-tasks.ts';

const JOBS = 4;
const WORK_MS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'concur-idempotent-'));
const attempts = (): string[][] =>
  existsSync(join(dir, 'attempts.log'))
    ? readFileSync(join(dir, 'attempts.log'), 'utf8')
        .split('\n')
        // The file exists a moment before its first line is written in it.
        .filter((line) => line !== '')
        .map((line) => line.split(' '))
    : [];

const cluster = await startLocalQueueCluster({
  tasks: fileURLToPath(new URL('./report-tasks.ts', import.meta.url)),
  workerProcesses: 2,
  model: 'async',
  concurrency: 1,
  // A dead worker's job is taken back after about a second instead of the default 30 s.
  workerArgs: ['--lock-ms', '1000', '--stalled-interval-ms', '500'],
});
try {
  const futures = Array.from({ length: JOBS }, (_, id) =>
    cluster.executor.submit(writeReport, dir, id, WORK_MS),
  );
  // Wait until a worker is in the middle of the first job it took, then kill it without warning.
  while (attempts().length === 0) await new Promise((r) => setTimeout(r, 20));
  const [victimJob, victimPid] = attempts()[0]!;
  process.kill(Number(victimPid), 'SIGKILL');
  console.log(`killed worker ${victimPid} (SIGKILL) while it ran job ${victimJob}`);

  const paths = await Promise.all(futures);
  for (const [id, path] of paths.entries()) {
    const runs = attempts().filter(([job]) => job === String(id));
    const pids = runs.map(([, pid]) => pid).join(', ');
    console.log(
      `job ${id}: ran ${runs.length} time(s) (pids ${pids}); ${path.slice(dir.length + 1)}: ` +
        JSON.stringify(readFileSync(path, 'utf8')),
    );
  }
  const reports = readdirSync(dir).filter((name) => name.endsWith('.txt'));
  const partial = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
  console.log(
    `${reports.length} reports for ${JOBS} jobs; half-written files left by the killed run: ${partial.length} (never read as reports)`,
  );
} finally {
  await cluster.close();
  rmSync(dir, { recursive: true, force: true });
}
