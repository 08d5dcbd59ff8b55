// startLocalQueueCluster: what the lab uses for `concur compare cpu --model queue`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startLocalQueueCluster } from '../../packages/queue/src/index.ts';
import { add, square } from '../fixtures/queue/tasks.ts';
import { TASKS, until } from './harness.ts';

test('a local cluster: its own redis-server, two workers, one executor; close stops them all', async () => {
  const cluster = await startLocalQueueCluster({
    tasks: TASKS,
    workerProcesses: 2,
    model: 'async',
    concurrency: 4,
    workerArgs: ['--grace-ms', '1234'],
  });
  try {
    assert.match(cluster.connection, /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(new Set(cluster.workerPids).size, 2);
    for (const pid of cluster.workerPids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      assert.equal(argv[argv.indexOf('--grace-ms') + 1], '1234', 'workerArgs reach the worker');
    }
    const out: number[] = [];
    for await (const v of cluster.executor.map(square, [1, 2, 3, 4, 5], { chunksize: 2 }))
      out.push(v);
    assert.deepEqual(out, [1, 4, 9, 16, 25]);
    assert.equal(await cluster.executor.submit(add, 20, 22), 42);
    await until('both workers to be listed', () => cluster.executor.stats().liveWorkers === 2);
  } finally {
    await cluster.close();
  }
  await assert.rejects(cluster.executor.submit(add, 1, 1), /shut down/);
});
