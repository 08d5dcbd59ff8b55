// The Cluster and Sentinel options, the prefix's hash tag, and the worker's flags for them:
// checked before anything connects, each refusal naming the value and what to give.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from 'concur';
import { parseConnection } from '../../packages/queue/src/connection.ts';
import { resolveQueueOptions } from '../../packages/queue/src/queue-options.ts';
import { runWorkerCommand } from '../../packages/queue/src/worker-cli.ts';
import { resolveWorkerOptions } from '../../packages/queue/src/worker-options.ts';
import { TASKS } from './harness.ts';

const nodes = [
  { host: '10.0.0.5', port: 7000 },
  { host: '10.0.0.6', port: 7001 },
];

describe('connection', () => {
  test('a cluster: its nodes, the login, no database', () => {
    const options = parseConnection({ cluster: nodes, password: 'pw', tls: true });
    assert.deepEqual(options.cluster, nodes);
    assert.equal(options.password, 'pw');
    assert.deepEqual(options.tls, {});
    assert.throws(
      () => parseConnection({ cluster: [] }),
      /Expected `connection.cluster` to be a non-empty array of \{ host, port \}, got/,
    );
    assert.throws(
      () => parseConnection({ cluster: [{ host: 'h', port: 0 }] }),
      /Expected `connection.cluster\[0\].port` to be an integer from 1 to 65535, got `0`/,
    );
    // A cluster has database 0 only.
    assert.throws(() => parseConnection({ cluster: nodes, db: 1 }), /Unknown option `db`/);
  });

  test('sentinels: their addresses and the master name', () => {
    const options = parseConnection({
      sentinels: nodes,
      name: 'main',
      db: 2,
      sentinelPassword: 'spw',
    });
    assert.deepEqual(options.sentinels, nodes);
    assert.equal(options.name, 'main');
    assert.equal(options.db, 2);
    assert.equal(options.sentinelPassword, 'spw');
    assert.throws(
      () => parseConnection({ sentinels: nodes }),
      /Expected `connection.name` to be the master's name, as in the sentinels' `sentinel monitor NAME`, got `undefined`/,
    );
    assert.throws(() => parseConnection({ sentinels: nodes, name: 'm', host: 'h' }), /`host`/);
  });
});

describe('prefix', () => {
  const base = { connection: 'redis://127.0.0.1:1', queue: 'q' };

  test('may hold one hash tag; a cluster puts a prefix without one in braces', () => {
    assert.equal(resolveQueueOptions({ ...base }).prefix, 'concur');
    assert.equal(resolveQueueOptions({ ...base, prefix: '{jobs}' }).prefix, '{jobs}');
    assert.equal(resolveQueueOptions({ ...base, prefix: 'app{jobs}.v2' }).prefix, 'app{jobs}.v2');
    const cluster = { connection: { cluster: nodes }, queue: 'q' };
    assert.equal(resolveQueueOptions(cluster).prefix, '{concur}');
    assert.equal(resolveQueueOptions({ ...cluster, prefix: 'jobs' }).prefix, '{jobs}');
    assert.equal(resolveQueueOptions({ ...cluster, prefix: 'a{b}' }).prefix, 'a{b}');
    for (const prefix of ['a:b', '{a}{b}', '{}', 'a b', '', '{a']) {
      assert.throws(
        () => resolveQueueOptions({ ...base, prefix }),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.message.startsWith(
            'Expected `prefix` to be a key prefix of letters, digits, `_`, `.` and `-`, with at most one hash tag in braces',
          ),
      );
    }
  });

  test("the worker's prefix is checked the same way", () => {
    const worker = { connection: 'redis://127.0.0.1:1', queue: 'q', tasks: TASKS };
    assert.throws(
      () => resolveWorkerOptions({ ...worker, prefix: 'a b' }),
      /Expected `prefix` to be a key prefix/,
    );
    assert.equal(
      resolveWorkerOptions({ ...worker, connection: { cluster: nodes } }).prefix,
      '{concur}',
    );
  });
});

/** Runs the CLI in this process; its usage errors come back before it connects or marks the process. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await runWorkerCommand(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('concur worker flags', () => {
  const rest = ['--queue', 'q', '--tasks', TASKS];

  test('--cluster and --sentinel take HOST:PORT', async () => {
    for (const bad of ['nohost', 'h:0', 'h:70000', 'h:']) {
      const { code, stderr } = await cli(['--cluster', bad, ...rest]);
      assert.equal(code, 2);
      assert.equal(
        stderr,
        `concur worker: --cluster takes HOST:PORT (a port from 1 to 65535), got ${JSON.stringify(bad)} (see concur worker --help)\n`,
      );
    }
    const { stderr } = await cli(['--sentinel', 'x', '--sentinel-name', 'm', ...rest]);
    assert.match(stderr, /--sentinel takes HOST:PORT .*got "x"/);
  });

  test('one Redis setup, and --sentinel with its master name', async () => {
    assert.match(
      (await cli(['--connection', 'redis://h', '--cluster', 'h:1', ...rest])).stderr,
      /--connection and --cluster name two different Redis setups: give only one of them/,
    );
    assert.match(
      (await cli(['--sentinel', 'h:1', ...rest])).stderr,
      /--sentinel needs --sentinel-name NAME/,
    );
    assert.match(
      (await cli(['--connection', 'redis://h', '--sentinel-name', 'm', ...rest])).stderr,
      /--sentinel-name goes with --sentinel HOST:PORT/,
    );
    assert.match(
      (await cli(['--queue', 'q', '--tasks', TASKS])).stderr,
      /--connection is required \(a redis:\/\/ URL\), or --cluster HOST:PORT, or --sentinel HOST:PORT/,
    );
    assert.match((await cli(['--cluster', '[::1]:7000'])).stderr, /--queue is required/);
  });
});
