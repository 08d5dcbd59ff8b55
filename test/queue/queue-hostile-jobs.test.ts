// Jobs a worker did not expect, against a real redis-server: a job never chooses the
// code a worker imports or runs, every field is checked before use, and nothing a job
// carries freezes the worker or the program that submits it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import {
  DataCloneError,
  InvalidArgumentError,
  type Task,
  TaskNotFoundError,
} from '../../packages/concur/src/index.ts';
import { QueueExecutor, v8Codec } from '../../packages/queue/src/index.ts';
import { hostileDir } from '../fixtures/queue/hostile-dir.ts';
import { add } from '../fixtures/queue/tasks.ts';
import {
  BINS,
  concurJob,
  freshQueue,
  inspector,
  rawJobs,
  redisForThisFile,
  startWorker,
  tempDir,
  until,
  type WorkerBin,
} from './harness.ts';

const redis = redisForThisFile();
const SPARSE_SUBMIT = fileURLToPath(new URL('../fixtures/queue/sparse-submit.ts', import.meta.url));

async function tasksOf(dir: string): Promise<Record<string, Task>> {
  return (await import(join(dir, 'index.mjs'))) as Record<string, Task>;
}

describe('a job never chooses the code a worker imports', () => {
  test('jobs naming side-effect modules under --tasks fail with TaskNotFoundError; none is imported, and the worker keeps serving', async () => {
    const tasks = hostileDir(tempDir());
    const queue = freshQueue('side-effect');
    const inspect = inspector(redis.port, queue);
    // A folder: the worker imports its index module, and nothing else.
    const worker = await startWorker(redis.url, queue, ['--model', 'async'], process.env, {
      tasks: [tasks.dir],
    });
    const executor = new QueueExecutor({ connection: redis.url, queue, tasksRoot: tasks.dir });
    try {
      const { echo } = await tasksOf(tasks.dir);
      for (const module of tasks.sideEffects) {
        // Twice: after the first, an old worker had imported it (or died of it).
        for (let attempt = 0; attempt < 2; attempt++) {
          const [outcome] = await rawJobs(inspect, [
            concurJob({ task: { module, name: 'x' }, from: `nobody-${attempt}` }),
          ]);
          assert.equal(outcome!.state, 'failed', module);
          assert.ok(outcome!.error instanceof TaskNotFoundError, `${module}: ${outcome!.reason}`);
          assert.match(outcome!.reason, /no task module/);
        }
        assert.equal(await executor.submit(echo!, module), module, 'still serving');
      }
      for (const marker of Object.values(tasks.markers)) {
        assert.equal(existsSync(marker), false, `${marker}: a side effect ran`);
      }
      assert.equal(worker.exited(), false);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop('SIGKILL');
      await inspect.close();
    }
  });
});

describe('inWorker()', () => {
  for (const bin of Object.keys(BINS) as WorkerBin[]) {
    test(`is true in \`${bin}\` while it imports task modules and runs tasks`, async () => {
      const tasks = hostileDir(tempDir());
      const queue = freshQueue('in-worker');
      const worker = await startWorker(redis.url, queue, ['--model', 'async'], process.env, {
        tasks: [join(tasks.dir, 'program.mjs')],
        bin,
      });
      const executor = new QueueExecutor({ connection: redis.url, queue, tasksRoot: tasks.dir });
      try {
        assert.equal(
          existsSync(tasks.markers.program!),
          false,
          'the program part ran in the worker',
        );
        const { inside } = (await import(join(tasks.dir, 'program.mjs'))) as Record<string, Task>;
        assert.equal(existsSync(tasks.markers.program!), true, 'here, outside a worker, it runs');
        assert.equal(await executor.submit(inside!), true, 'inWorker() inside the running task');
      } finally {
        await executor.shutdown({ cancelPending: true });
        await worker.stop('SIGKILL');
      }
    });
  }
});

describe('decoded jobs are checked before use, each message naming the field', () => {
  test('a job without task, with mode 99, or with mode "0" fails at once, saying which field', async () => {
    const queue = freshQueue('fields');
    const inspect = inspector(redis.port, queue);
    const worker = await startWorker(redis.url, queue, ['--model', 'async']);
    const executor = new QueueExecutor({ connection: redis.url, queue });
    try {
      const cases: [Record<string, unknown>, new (...a: never[]) => Error, RegExp][] = [
        [concurJob({ task: undefined }), TaskNotFoundError, /`task` is undefined/],
        [concurJob({ task: { module: 'tasks.ts' } }), TaskNotFoundError, /`task\.name`/],
        [concurJob({ mode: 99 }), InvalidArgumentError, /`mode` is 99 \(number\)/],
        [concurJob({ mode: '0' }), InvalidArgumentError, /`mode` is "0" \(string\)/],
        [concurJob({ payload: '{"0":1}' }), DataCloneError, /`args` is an object, not an array/],
        [concurJob({ mode: 2, payload: '[1]' }), DataCloneError, /`items\[0\]` is 1 \(number\)/],
        [concurJob({ beat: -1 }), InvalidArgumentError, /`beat`/],
        [concurJob({ payload: 'nope' }), DataCloneError, /`payload` could not be decoded/],
      ];
      const outcomes = await rawJobs(
        inspect,
        cases.map(([data]) => data),
      );
      for (const [i, outcome] of outcomes.entries()) {
        const [, kind, message] = cases[i]!;
        assert.equal(outcome.state, 'failed', `case ${i}`);
        assert.ok(outcome.error instanceof kind, `case ${i}: ${outcome.reason}`);
        assert.match(outcome.reason, message, `case ${i}`);
      }
      assert.equal(await executor.submit(add, 2, 3), 5);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop('SIGKILL');
      await inspect.close();
    }
  });

  test('a 20-byte v8 job whose args are a sparse array of length 2^32-2 fails naming `args`; the worker keeps serving', async () => {
    const queue = freshQueue('sparse');
    const inspect = inspector(redis.port, queue);
    const worker = await startWorker(redis.url, queue, ['--model', 'async', '--codec', 'v8']);
    const executor = new QueueExecutor({ connection: redis.url, queue, codec: v8Codec });
    try {
      const sparse: unknown[] = [];
      sparse.length = 2 ** 32 - 2;
      const holes: unknown[] = [1];
      holes[3] = 2;
      const [huge, holey] = await rawJobs(inspect, [
        concurJob({ codec: 'v8', payload: serialize(sparse).toString('base64') }),
        concurJob({ codec: 'v8', payload: serialize(holes).toString('base64') }),
      ]);
      assert.ok(huge!.error instanceof DataCloneError, huge!.reason);
      assert.match(huge!.reason, /`args` has 4294967294 elements; at most 65536/);
      assert.match(holey!.reason, /`args` has a hole at index 1/);
      assert.equal(await executor.submit(add, 20, 22), 42, 'still serving');
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop('SIGKILL');
      await inspect.close();
    }
  });

  for (const codec of ['json', 'v8']) {
    test(`submitWith(task, a sparse array of length 2^32-2) rejects before it returns (${codec}), without freezing the program`, async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', SPARSE_SUBMIT, redis.url, freshQueue('sparse-submit'), codec],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const exit = once(child, 'exit');
      try {
        await until('the program to print the outcome', () => out.split('\n').length >= 3, 60_000);
        assert.match(out, /^state rejected\n/);
        assert.match(
          out,
          /DataCloneError: Cannot send this job through Redis: `args` has 4294967294 elements/,
        );
        await exit;
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});

describe('worker messages', () => {
  const BUILT = {
    'concur-worker': [
      fileURLToPath(new URL('../../packages/queue/dist/worker-cli.js', import.meta.url)),
    ],
    'concur worker': [
      fileURLToPath(new URL('../../packages/lab/dist/cli.js', import.meta.url)),
      'worker',
    ],
  };
  const run = async (argv: string[]) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stderr };
  };

  for (const [bin, argv] of Object.entries(BUILT)) {
    // An enum: Node 20 has no loader for .ts at all, and 22.18+ cannot strip an enum, so
    // only tsx loads this module on every Node.
    test(`${bin}: a .ts task module without tsx says to install tsx or pass the compiled .js`, async () => {
      const { code, stderr } = await run([
        ...argv,
        '--connection',
        redis.url,
        '--queue',
        freshQueue('no-tsx'),
        '--tasks',
        fileURLToPath(new URL('../fixtures/ts-enum-program/tasks.ts', import.meta.url)),
      ]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /tasks\.ts is TypeScript and tsx is not loaded/);
      assert.match(stderr, /npm install -D tsx.*or pass the compiled \.js file/);
    });

    test(`${bin}: a bad flag prints one line`, async () => {
      const { code, stderr } = await run([...argv, '--connection', redis.url, '--bogus']);
      assert.equal(code, 2);
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, /--bogus/);
      const missing = await run([...argv, '--queue', 'q']);
      assert.equal(missing.stderr.trimEnd().split('\n').length, 1, missing.stderr);
      assert.match(missing.stderr, /--connection is required/);
    });
  }
});
