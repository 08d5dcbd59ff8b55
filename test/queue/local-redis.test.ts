// startLocalRedis: a private redis-server that never outlives the process that started it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { startLocalRedis } from '../../packages/queue/src/index.ts';
import { canConnect } from '../../packages/queue/src/local-redis.ts';

const LOCAL_REDIS = new URL('../../packages/queue/src/local-redis.ts', import.meta.url).href;

async function closesWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await canConnect(port))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('stop() stops the server, restart() brings an empty one back on the same port', async () => {
  const redis = await startLocalRedis();
  assert.ok(await canConnect(redis.port));
  await redis.restart();
  assert.ok(await canConnect(redis.port));
  await redis.stop();
  assert.ok(await closesWithin(redis.port, 5000), 'the port still accepts after stop()');
});

test('the server goes away when the process that started it is SIGKILLed', async () => {
  const script = `
    const { startLocalRedis } = await import(${JSON.stringify(LOCAL_REDIS)});
    const redis = await startLocalRedis();
    console.log(redis.port);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  assert.ok(port > 0, `the child printed ${line}`);
  assert.ok(await canConnect(port), 'the server is up');
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  assert.ok(await closesWithin(port, 10_000), `redis-server on port ${port} outlived its parent`);
});

test('a missing command fails at once, saying what to install', async () => {
  await assert.rejects(
    startLocalRedis({ command: 'concur-no-such-redis-server' }),
    /concur-no-such-redis-server was not found; install it \(Debian: apt-get install -y redis-server\)/,
  );
});
