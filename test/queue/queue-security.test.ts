// Password and TLS end to end, against a redis-server that accepts only TLS and
// requires a password; and what a wrong password or a missing TLS does to the futures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueueBackendError } from '../../packages/concur/src/index.ts';
import { QueueExecutor } from '../../packages/queue/src/index.ts';
import { freePort, type LocalRedis } from '../../packages/queue/src/local-redis.ts';
import { add } from '../fixtures/queue/tasks.ts';
import { freshQueue, startLocalRedis, startWorker, tempDir } from './harness.ts';

const PASSWORD = 's3cret with spaces';

function openssl(args: string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.error !== undefined) throw new Error(`openssl: ${run.error.message}; install openssl`);
  if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr}`);
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem'].concat(
      ['-days', '2'],
      subject('concur test CA'),
    ),
    dir,
  );
  openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr'].concat(
      subject('127.0.0.1'),
    ),
    dir,
  );
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key'].concat([
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'san.cnf',
    ]),
    dir,
  );
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

describe('a Redis that takes only TLS and a password', () => {
  let redis: LocalRedis | undefined;
  let port = 0;
  let files: { ca: string; cert: string; key: string };
  let ca: Buffer;

  before(async () => {
    files = makeCertificates(tempDir());
    ca = readFileSync(files.ca);
    port = await freePort();
    redis = await startLocalRedis({
      port,
      args: ['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no']
        .concat(['--tls-cert-file', files.cert, '--tls-key-file', files.key])
        .concat(['--tls-ca-cert-file', files.ca, '--requirepass', PASSWORD]),
    });
  });
  after(async () => {
    await redis?.stop();
  });

  test('a worker given --tls-ca and the password in CONCUR_REDIS_PASSWORD runs the jobs of an executor given { password, tls: { ca } }', async () => {
    const queue = freshQueue('tls');
    const worker = await startWorker(
      `rediss://127.0.0.1:${port}`,
      queue,
      ['--model', 'async', '--tls-ca', files.ca],
      { ...process.env, CONCUR_REDIS_PASSWORD: PASSWORD },
    );
    const executor = new QueueExecutor({
      connection: { host: '127.0.0.1', port, password: PASSWORD, tls: { ca } },
      queue,
    });
    try {
      assert.equal(await executor.submit(add, 20, 22), 42);
      assert.deepEqual(
        await collect(
          executor.starmap(add, [
            [1, 3],
            [2, 4],
          ]),
        ),
        [4, 6],
      );
      assert.doesNotMatch(
        worker.stderr(),
        /DEP0123|s3cret/,
        'no TLS warning, no password in the log',
      );
    } finally {
      await executor.shutdown({ cancelPending: true });
      await worker.stop();
    }
  });

  test("a wrong password: the task rejects with QueueBackendError carrying Redis's refusal", async () => {
    const executor = new QueueExecutor({
      connection: { host: '127.0.0.1', port, password: 'wrong', tls: { ca } },
      queue: freshQueue('wrongpass'),
      connectTimeoutMs: 2000,
    });
    try {
      await assert.rejects(executor.submit(add, 1, 1), (error: unknown) => {
        assert.ok(error instanceof QueueBackendError);
        assert.equal(error.code, 'CONCUR_ERR_QUEUE_BACKEND');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match(error.message, /WRONGPASS/);
        assert.doesNotMatch(error.message, /wrong\b.*@/, 'the password is not in the message');
        return true;
      });
    } finally {
      await executor.shutdown({ cancelPending: true });
    }
  });

  test('no TLS against it: after connectTimeoutMs every task so far and every later one rejects, and shutdown resolves', async () => {
    const executor = new QueueExecutor({
      connection: `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
      queue: freshQueue('notls'),
      connectTimeoutMs: 500,
    });
    const first = executor.submit(add, 1, 1);
    const mapped = collect(
      executor.starmap(add, [
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    await assert.rejects(first, (error: unknown) => {
      assert.ok(error instanceof QueueBackendError);
      assert.match(
        error.message,
        /Could not reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0 within 500 ms/,
      );
      assert.match(error.message, /raise connectTimeoutMs/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    await assert.rejects(mapped, QueueBackendError);
    await assert.rejects(executor.submit(add, 2, 2), QueueBackendError);
    await executor.shutdown();
    assert.equal(executor.stats().completed, 0);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
