// A missing Redis: against real redis-servers that are stopped under the executor and
// the workers, or that were never there, every shutdown settles and one signal stops a
// worker (a second at once), for both bins and under npx.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { QueueBackendError, QueueExecutor } from '../../packages/queue/src/index.ts';
import { pidWhenReleased, sleep } from '../fixtures/queue/tasks.ts';
import {
  BINS,
  freshQueue,
  inspector,
  startLocalRedis,
  startWorker,
  tempDir,
  until,
  type WorkerBin,
} from './harness.ts';

/** The task was given up because Redis did not answer for connectTimeoutMs (500) during shutdown(). */
function givenUpAfter500(future: Promise<unknown>): Promise<void> {
  return assert.rejects(future, (error: Error) => {
    assert.ok(error instanceof QueueBackendError, String(error));
    assert.match(error.message, /has not answered for 500 ms while the executor was shutting down/);
    return true;
  });
}

const AWAIT_USING = fileURLToPath(
  new URL('../fixtures/queue/await-using-unreachable.ts', import.meta.url),
);
const BUILT_WORKER = fileURLToPath(
  new URL('../../packages/queue/dist/worker-cli.js', import.meta.url),
);
const BUILT_TASKS = fileURLToPath(new URL('../fixtures/built-tasks.mjs', import.meta.url));

/** The URL of a redis-server that has been started and stopped: nothing listens there now. */
async function goneRedis(): Promise<string> {
  const server = await startLocalRedis();
  const url = server.url;
  await server.stop();
  return url;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A limit far above --grace-ms (3000) and REDIS_CLOSE_MS: only a worker that never stops exceeds it. */
const STOP_LIMIT_MS = 30_000;

describe('QueueExecutor without Redis', () => {
  test('with `await using` and the default connectTimeoutMs, the catch runs and the program exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', AWAIT_USING, await goneRedis()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(out, 'caught QueueBackendError\n');
    assert.equal(code, 0, 'not 13: no await was left unsettled');
  });

  test('shutdown() while Redis is unreachable settles once the connect timeout has rejected the tasks', async () => {
    const executor = new QueueExecutor({
      connection: await goneRedis(),
      queue: 'gone',
      connectTimeoutMs: 300,
      reconcileIntervalMs: 10,
    });
    const future = executor.submit(sleep, 1);
    await assert.rejects(future, /Could not reach Redis/);
    await executor.shutdown();
  });

  test('shutdown() after Redis went away, with a task pending, settles once Redis has been gone for connectTimeoutMs', {
    timeout: 120_000,
  }, async () => {
    const server = await startLocalRedis();
    // No worker: the task stays pending in Redis.
    const queue = freshQueue('went-away');
    const executor = new QueueExecutor({ connection: server.url, queue, connectTimeoutMs: 500 });
    const inspect = inspector(server.port, queue);
    const future = executor.submit(sleep, 1);
    await until('the job to reach Redis', async () => (await inspect.count()) === 1);
    await inspect.close();
    await server.stop();
    await executor.shutdown();
    await givenUpAfter500(future);
  });
});

test('shutdown() with a frozen Redis (SIGSTOP: connected, never answering) gives up after connectTimeoutMs', {
  timeout: 120_000,
}, async () => {
  const server = await startLocalRedis();
  const queue = freshQueue('frozen');
  const inspect = inspector(server.port, queue);
  const admin = new Redis(server.port, '127.0.0.1');
  const info = await admin.info('server');
  admin.disconnect();
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  assert.ok(pid > 0, info);
  const executor = new QueueExecutor({ connection: server.url, queue, connectTimeoutMs: 500 });
  try {
    const future = executor.submit(sleep, 1);
    await until('the job to reach Redis', async () => (await inspect.count()) === 1);
    process.kill(pid, 'SIGSTOP');
    await executor.shutdown();
    await givenUpAfter500(future);
  } finally {
    process.kill(pid, 'SIGCONT');
    await inspect.close();
    await server.stop();
  }
});

describe('one signal stops a worker, Redis or no Redis; a second at once', () => {
  for (const bin of Object.keys(BINS) as WorkerBin[]) {
    test(`${bin}: SIGTERM after Redis went away`, async () => {
      const server = await startLocalRedis();
      const worker = await startWorker(
        server.url,
        freshQueue('redis-gone'),
        ['--model', 'async'],
        process.env,
        { bin },
      );
      try {
        await server.stop();
        await until('the worker to see Redis gone', () =>
          /ECONNREFUSED|Connection is closed/.test(worker.stderr()),
        );
        worker.child.kill('SIGTERM');
        await until('the worker to exit', () => worker.exited(), STOP_LIMIT_MS);
        assert.equal(worker.child.exitCode, 0, worker.stderr());
      } finally {
        await worker.stop('SIGKILL');
      }
    });

    test(`${bin}: SIGINT when Redis was never reached`, async () => {
      const worker = await startWorker(
        await goneRedis(),
        freshQueue('never'),
        ['--model', 'async'],
        process.env,
        {
          bin,
          waitFor: 'ECONNREFUSED',
        },
      );
      try {
        worker.child.kill('SIGINT');
        await until('the worker to exit', () => worker.exited(), STOP_LIMIT_MS);
        assert.equal(worker.child.exitCode, 0, worker.stderr());
      } finally {
        await worker.stop('SIGKILL');
      }
    });

    test(`${bin}: a second SIGTERM exits at once, while a job holds the first one's grace time`, async () => {
      const server = await startLocalRedis();
      const queue = freshQueue('twice');
      const worker = await startWorker(
        server.url,
        queue,
        ['--model', 'async', '--grace-ms', '600000'],
        process.env,
        { bin },
      );
      const executor = new QueueExecutor({ connection: server.url, queue });
      try {
        const dir = tempDir();
        // Never released: the job holds the grace time until the worker is killed.
        void executor.submit(pidWhenReleased, dir, 0).catch(() => {});
        // Started for real: a job cleared but not yet in a slot would go back to the queue.
        await until('the job to start', () => existsSync(join(dir, 'started-0')));
        worker.child.kill('SIGTERM');
        await until('the worker to start stopping', () => worker.stderr().includes('stopping'));
        worker.child.kill('SIGTERM');
        await until('the worker to exit', () => worker.exited(), STOP_LIMIT_MS);
        assert.equal(worker.child.exitCode, 130, worker.stderr());
        assert.match(worker.stderr(), /SIGTERM again, exiting without waiting/);
      } finally {
        await executor.shutdown({ wait: false, cancelPending: true });
        await worker.stop('SIGKILL');
        await server.stop();
      }
    });
  }

  test('under npx, a SIGTERM to npm stops the worker too (no orphan)', async () => {
    // A project that has concur-worker as an installed bin, as `npm install concur-queue` leaves it.
    const project = tempDir();
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "app", "version": "1.0.0", "private": true }\n',
    );
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BUILT_WORKER, join(project, 'node_modules', '.bin', 'concur-worker'));
    const server = await startLocalRedis();
    let npx: ChildProcess | undefined;
    let workerPid = 0;
    try {
      npx = spawn(
        'npx',
        [
          '--no-install',
          'concur-worker',
          '--connection',
          server.url,
          '--queue',
          freshQueue('npx'),
        ].concat(['--tasks', BUILT_TASKS, '--model', 'async', '--grace-ms', '1000']),
        { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      npx.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await until('the worker to be ready', () => /ready \(pid (\d+)\)/.test(stderr), 120_000);
      workerPid = Number(/ready \(pid (\d+)\)/.exec(stderr)![1]);
      assert.notEqual(workerPid, npx.pid, 'npm runs the worker as a process of its own');
      npx.kill('SIGTERM');
      await until('the worker to exit after npm', () => !alive(workerPid), STOP_LIMIT_MS);
    } finally {
      npx?.kill('SIGKILL');
      if (workerPid !== 0 && alive(workerPid)) process.kill(workerPid, 'SIGKILL');
      await server.stop();
    }
  });
});
