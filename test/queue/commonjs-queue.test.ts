// A CommonJS program and CommonJS task modules through Redis: the program requires
// concur-queue, the worker is the built concur-worker run by plain node (as `npx
// concur-worker` runs it), with --tasks the fixture's folder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freshQueue, redisForThisFile, startWorker } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/commonjs');
const redis = redisForThisFile();

before(async () => {
  if (!existsSync(join(ROOT, 'packages/queue/dist/worker-cli.js'))) {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
  }
});

describe('QueueExecutor from CommonJS', () => {
  it('runs CommonJS tasks on a worker, module.exports objects included', async () => {
    const queue = freshQueue('cjs');
    const worker = await startWorker(redis.url, queue, [], process.env, {
      // The two task modules; a folder would stand for its index module only.
      tasks: [join(FIXTURE, 'tasks.js'), join(FIXTURE, 'exports-object.js')],
      built: true,
    });
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['queue-main.js', redis.url, queue],
        { cwd: FIXTURE, encoding: 'utf8', timeout: 60_000 },
      );
      const report = JSON.parse(stdout);
      assert.equal(report.found, 3);
      // `cube` is a property of module.exports that Node's export detection misses.
      assert.deepEqual(report.cubes, [1, 8, 27]);
      // A task that its module does not export is refused, as under every executor.
      assert.equal(report.hidden.invalid, true, JSON.stringify(report.hidden));
      assert.match(report.hidden.message, /exports no task named `hidden`/);
    } finally {
      assert.equal(await worker.stop(), 0, worker.stderr());
    }
  });
});
