// The story's big-O search, run under any concur executor:
//   node --import tsx examples/big-o-search/main.ts --executor process --workers 4 --batches 8
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  AsyncExecutor,
  type Executor,
  ProcessPoolExecutor,
  SequentialExecutor,
  ThreadPoolExecutor,
} from 'concur';
import { search } from './tasks.ts';

const KINDS = ['sequential', 'async', 'thread', 'process'] as const;
type Kind = (typeof KINDS)[number];

const USAGE = `Usage: main.ts [--executor sequential|async|thread|process|all] [--workers N] [--batches N]
               [--needles N] [--size N]
  --executor  which executor runs the batches; 'all' runs each in turn (default: all)
  --workers   workers of the thread and process pools, concurrency of async (default: CPU count)
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

function create(kind: Kind, workers: number): Executor {
  switch (kind) {
    case 'sequential':
      return new SequentialExecutor();
    case 'async':
      return new AsyncExecutor({ concurrency: workers });
    case 'thread':
      return new ThreadPoolExecutor({ maxWorkers: workers });
    case 'process':
      return new ProcessPoolExecutor({ maxWorkers: workers });
  }
}

async function runOnce(kind: Kind, workers: number, batches: number[][], size: number) {
  const start = performance.now();
  const executor = create(kind, workers);
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
const chosen = String(values.executor);
if (chosen !== 'all' && !(KINDS as readonly string[]).includes(chosen)) {
  fail(`--executor must be one of ${KINDS.join(', ')} or all, got ${chosen}`);
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
for (const kind of chosen === 'all' ? KINDS : [chosen as Kind]) {
  const { found, seconds } = await runOnce(kind, workers, batches, size);
  console.log(
    `${kind.padEnd(10)} workers=${workers} batches=${batchCount}: found ${found} of ${batchCount * needles}`,
  );
  console.log(`---  ${seconds.toFixed(2)} seconds ---`);
}
