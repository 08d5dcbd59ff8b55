// The story's big-O search, run under any concur executor:
//   node --import tsx examples/big-o-search/main.ts --executor process --workers 4 --batches 8
//   ... --executor thread,queue   (queue: through Redis, see --connection)
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AsyncExecutor,
  type Executor,
  ProcessPoolExecutor,
  SequentialExecutor,
  ThreadPoolExecutor,
} from 'concur';
import { type LocalQueueCluster, QueueExecutor, startLocalQueueCluster } from 'concur-queue';
import { search } from './tasks.ts';

const KINDS = ['sequential', 'async', 'thread', 'process', 'queue'] as const;
type Kind = (typeof KINDS)[number];
/** What `all` runs: queue needs Redis, so it runs only when named. */
const ALL: readonly Kind[] = ['sequential', 'async', 'thread', 'process'];
const QUEUE_NAME = 'big-o-search';

const USAGE = `Usage: main.ts [--executor KIND[,KIND...]|all] [--workers N] [--batches N]
               [--needles N] [--size N] [--connection redis://HOST:PORT]
  --executor  sequential, async, thread, process or queue, or a list of them, each run in
              turn on the same batches; all = every one but queue (default: all)
  --connection  queue: the Redis of your own workers, started with
              concur worker --connection URL --queue ${QUEUE_NAME} --tasks examples/big-o-search/tasks.ts
              Without it, queue starts a private redis-server and one such worker here.
  --workers   workers of the thread and process pools, concurrency of async, threads of
              the private queue worker (default: CPU count)
  --batches   number of tasks; each searches --needles random numbers (default: 8)
  --needles   random numbers per batch (default: 1000)
  --size      length of the list searched (default: 1000000)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    fail(`--${name} must be an integer from 1 and up, got ${value}`);
  return n;
}

function create(kind: Kind, workers: number, connection: string): Executor {
  switch (kind) {
    case 'sequential':
      return new SequentialExecutor();
    case 'async':
      return new AsyncExecutor({ concurrency: workers });
    case 'thread':
      return new ThreadPoolExecutor({ maxWorkers: workers });
    case 'process':
      return new ProcessPoolExecutor({ maxWorkers: workers });
    case 'queue':
      return new QueueExecutor({ connection, queue: QUEUE_NAME });
  }
}

async function runOnce(
  kind: Kind,
  workers: number,
  batches: number[][],
  size: number,
  connection: string,
) {
  const start = performance.now();
  const executor = create(kind, workers, connection);
  let found = 0;
  try {
    const tuples = batches.map((batch): [number[], number] => [batch, size]);
    // chunksize 1: each batch is a long task, worth a message of its own.
    for await (const count of executor.starmap(search, tuples, { chunksize: 1 })) found += count;
  } finally {
    await executor.shutdown();
  }
  return { found, seconds: (performance.now() - start) / 1000 };
}

let values: ReturnType<typeof parseArgs>['values'];
try {
  ({ values } = parseArgs({
    options: {
      executor: { type: 'string', default: 'all' },
      workers: { type: 'string' },
      batches: { type: 'string' },
      needles: { type: 'string' },
      size: { type: 'string' },
      connection: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const chosen: Kind[] = [];
for (const name of String(values.executor).split(',')) {
  if (name === 'all') chosen.push(...ALL);
  else if ((KINDS as readonly string[]).includes(name)) chosen.push(name as Kind);
  else fail(`--executor must be one of ${KINDS.join(', ')} or all, got ${name}`);
}
const workers = positiveInteger(
  'workers',
  values.workers as string | undefined,
  availableParallelism(),
);
const batchCount = positiveInteger('batches', values.batches as string | undefined, 8);
const needles = positiveInteger('needles', values.needles as string | undefined, 1000);
const size = positiveInteger('size', values.size as string | undefined, 1_000_000);

const batches = Array.from({ length: batchCount }, () =>
  Array.from({ length: needles }, () => Math.floor(Math.random() * size * 1.1)),
);
// A stand-in for the machines a queue would reach: Redis and one worker, started here and
// not timed, as they would already be running.
let cluster: LocalQueueCluster | undefined;
let connection = values.connection as string | undefined;
if (chosen.includes('queue') && connection === undefined) {
  cluster = await startLocalQueueCluster({
    tasks: fileURLToPath(new URL('./tasks.ts', import.meta.url)),
    queue: QUEUE_NAME,
    workers,
  });
  connection = cluster.connection;
}
try {
  for (const kind of chosen) {
    const { found, seconds } = await runOnce(kind, workers, batches, size, connection ?? '');
    console.log(
      `${kind.padEnd(10)} workers=${workers} batches=${batchCount}: found ${found} of ${batchCount * needles}`,
    );
    console.log(`---  ${seconds.toFixed(2)} seconds ---`);
  }
} finally {
  await cluster?.close();
}
