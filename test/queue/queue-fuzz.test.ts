// Fuzz: random malformed raw jobs, under both codecs, sent to a running worker against
// a real redis-server. Each fails with a message naming what is wrong, the worker
// keeps serving valid jobs between them, and its memory stays bounded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { serialize } from 'node:v8';
import {
  DataCloneError,
  InvalidArgumentError,
  InvalidTaskError,
  TaskNotFoundError,
} from '../../packages/concur/src/index.ts';
import { seededRandom } from '../../packages/lab/src/workloads/random.ts';
import { QueueExecutor, v8Codec } from '../../packages/queue/src/index.ts';
import { add } from '../fixtures/queue/tasks.ts';
import {
  concurJob,
  freshQueue,
  inspector,
  rawJobs,
  redisForThisFile,
  startWorker,
} from './harness.ts';

const redis = redisForThisFile();

const JOBS_PER_CODEC = 1000;
const BATCH = 100;
/**
 * RSS growth allowed from the end of the first batch to the end of the last: far above
 * what a worker that keeps nothing per job grows (a few MB of heap settling), far
 * below what keeping the jobs, their payloads or a sparse array's length would cost.
 */
const RSS_GROWTH_LIMIT_MB = 100;

type Random = () => number;

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

const sparse = (length: number, at: number[] = []): unknown[] => {
  const a: unknown[] = [];
  a.length = length;
  for (const i of at) a[i] = i;
  return a;
};
const b64 = (value: unknown) => serialize(value).toString('base64');

/** Payloads a job of `mode` can never use, as the codec `codec` encodes them. */
function badPayload(random: Random, codec: string, mode: number): string {
  if (codec === 'json') {
    if (mode === 2) return pick(random, ['[1,2]', '[[1],2]', '[{}]', '[null]', '{}', '""']);
    return pick(random, ['{}', '"x"', '1', 'null', '', '{"length":3}', 'true', '{"0":1}']);
  }
  const values: unknown[] =
    mode === 2
      ? [[sparse(2 ** 32 - 2)], [[1], sparse(5, [1])], [1, 2], [{}], sparse(2 ** 32 - 2)]
      : [
          sparse(2 ** 32 - 2),
          sparse(10, [0, 9]),
          {},
          'x',
          new Map([[1, 2]]),
          42,
          null,
          mode === 0 ? Array.from({ length: 70_000 }, () => 0) : sparse(3, [2]),
        ];
  return b64(pick(random, values));
}

function undecodable(random: Random, codec: string): string {
  if (codec === 'json') {
    return pick(random, ['{', '[1,', 'undefined', 'NaN', "['a']", `#${random().toString(36)}`]);
  }
  const whole = serialize([1, 2, { a: 'text' }]);
  return whole.subarray(0, 1 + Math.floor(random() * (whole.length - 2))).toString('base64');
}

const BAD_TASKS: readonly unknown[] = [
  null,
  'tasks.ts#add',
  ['tasks.ts', 'add'],
  { module: 'tasks.ts' },
  { name: 'add' },
  { module: 5, name: 'add' },
  { module: 'outside.ts', name: 'outside' },
  { module: '../queue/tasks.ts', name: 'add' },
  { module: '/etc/passwd', name: 'x' },
  { module: 'tasks.ts', name: 'hiddenTask' },
  { module: 'tasks.ts', name: '__proto__' },
  { module: 'tasks.ts', name: 'constructor' },
  { module: 'x'.repeat(5000), name: 'add' },
  { module: 'tasks.ts', name: 'y'.repeat(2000) },
];

/** One field made wrong; a job gets one or more of these, so it is always malformed. */
function defect(random: Random, codec: string, job: Record<string, unknown>): void {
  switch (
    pick(random, ['v', 'codec', 'mode', 'from', 'beat', 'payload', 'decode', 'shape', 'task'])
  ) {
    case 'v':
      job.v = pick(random, [undefined, 2, 4, '3', null]);
      break;
    case 'codec':
      job.codec = pick(random, [undefined, codec === 'json' ? 'v8' : 'json', 'JSON', 5, null]);
      break;
    case 'mode':
      job.mode = pick(random, [undefined, 3, -1, 99, '0', '1', null, 1.5, {}, []]);
      break;
    case 'from':
      job.from = pick(random, [undefined, '', 7, null, 'f'.repeat(300), {}]);
      break;
    case 'beat':
      job.beat = pick(random, [undefined, 0, -5, '5000', null, {}]);
      break;
    case 'payload':
      job.payload = pick(random, [undefined, 5, null, {}, ['[1,2]']]);
      break;
    case 'decode':
      job.payload = undecodable(random, codec);
      // A garbled payload might still decode to a usable one: the task is wrong too.
      job.task = pick(random, BAD_TASKS);
      break;
    case 'shape': {
      const mode = pick(random, [0, 1, 2]);
      job.mode = mode;
      job.payload = badPayload(random, codec, mode);
      break;
    }
    default:
      job.task = pick(random, BAD_TASKS);
  }
}

function malformed(random: Random, codec: string): unknown {
  if (random() < 0.03) return pick(random, [null, 5, 'a string', [1, 2], true]);
  const job = concurJob({ codec, payload: codec === 'json' ? '[1,2]' : b64([1, 2]) });
  defect(random, codec, job);
  while (random() < 0.3) defect(random, codec, job);
  for (const key of Object.keys(job)) if (job[key] === undefined) delete job[key];
  return job;
}

function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line![1]) / 1024;
}

describe('fuzz: malformed raw jobs against a running worker', () => {
  for (const [codec, seed] of [
    ['json', 0x5eed1],
    ['v8', 0x5eed2],
  ] as const) {
    test(`${JOBS_PER_CODEC} malformed ${codec} jobs (seed ${seed}): each fails with a message, valid jobs run between them, memory stays bounded`, async (t) => {
      const random = seededRandom(seed);
      const queue = freshQueue(`fuzz-${codec}`);
      const inspect = inspector(redis.port, queue);
      const worker = await startWorker(redis.url, queue, ['--model', 'async', '--codec', codec]);
      const executor = new QueueExecutor({
        connection: redis.url,
        queue,
        ...(codec === 'v8' ? { codec: v8Codec } : {}),
      });
      try {
        let afterFirst = 0;
        for (let sent = 0; sent < JOBS_PER_CODEC; sent += BATCH) {
          const data = Array.from({ length: BATCH }, () => malformed(random, codec));
          const outcomes = await rawJobs(inspect, data);
          for (const [i, outcome] of outcomes.entries()) {
            const what = `job ${sent + i}: ${JSON.stringify(data[i])?.slice(0, 300)}`;
            assert.equal(outcome.state, 'failed', what);
            assert.ok(
              outcome.error instanceof TaskNotFoundError ||
                outcome.error instanceof InvalidTaskError ||
                outcome.error instanceof DataCloneError ||
                outcome.error instanceof InvalidArgumentError,
              `${what}: ${outcome.reason}`,
            );
            assert.match(outcome.reason, /`[^`]+`|not a concur job/, what);
          }
          assert.equal(await executor.submit(add, sent, 1), sent + 1, 'a valid job between');
          if (sent === 0) afterFirst = rssMb(worker.pid);
        }
        const end = rssMb(worker.pid);
        const growth = end - afterFirst;
        t.diagnostic(
          `worker RSS ${afterFirst.toFixed(1)} MB after the first batch, ${end.toFixed(1)} MB at the end`,
        );
        assert.ok(growth < RSS_GROWTH_LIMIT_MB, `RSS grew ${growth.toFixed(1)} MB`);
        assert.equal(worker.exited(), false);
      } finally {
        await executor.shutdown({ cancelPending: true });
        await worker.stop('SIGKILL');
        await inspect.close();
      }
    });
  }
});
