import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runJson } from './run-cli.ts';

const BYTES = 12_345;
const ARGS = [
  '--downloads',
  '7',
  '--latency',
  '5',
  '--bytes',
  String(BYTES),
  '--workers',
  '2',
  '--at-once',
  '2',
];

describe('concur io', { concurrency: 2 }, () => {
  for (const model of [
    'sequential',
    'async-blocking',
    'async',
    'async-limited',
    'thread',
    'process',
  ]) {
    it(`counts every byte under ${model}`, async () => {
      const out = await runJson(['io', '--model', model, ...ARGS]);
      assert.equal(out.downloads, 7);
      assert.equal(out.bytes, 7 * BYTES);
      assert.equal(out.expectedBytes, 7 * BYTES);
      assert.equal(out.errors, 0);
      assert.equal(typeof out.idealSeconds, 'number');
      for (const field of ['seconds', 'cpuSeconds', 'coresUsed', 'peakRssBytes']) {
        assert.equal(typeof out[field], 'number', field);
      }
    });
  }

  it('counts every byte with processes when run from the TypeScript sources', async () => {
    const out = await runJson(['io', '--model', 'process', ...ARGS], { source: true });
    assert.equal(out.bytes, 7 * BYTES);
  });

  it('states the ideal time of each model from its concurrency', async () => {
    const blocking = await runJson(['io', '--model', 'async-blocking', ...ARGS]);
    const limited = await runJson(['io', '--model', 'async-limited', ...ARGS]);
    assert.equal(blocking.idealSeconds, (7 * 5) / 1000);
    assert.equal(limited.idealSeconds, (Math.ceil(7 / 2) * 5) / 1000);
  });

  describe('with --urls', () => {
    let dir: string;
    let server: ReturnType<typeof createServer>;
    let port: number;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'concur-io-'));
      server = createServer((req, res) => {
        if (req.url === '/missing') res.writeHead(404).end('no');
        else res.end('0123456789');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('downloads the listed URLs and counts failures instead of dropping them', async () => {
      const file = join(dir, 'urls.txt');
      // A port that was just free and closed again refuses the connection.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      writeFileSync(
        file,
        `# comment\nhttp://127.0.0.1:${port}/a\n\nhttp://127.0.0.1:${port}/missing\nhttp://127.0.0.1:${closedPort}/\n`,
      );
      const out = await runJson<Record<string, unknown> & { errorSamples: string[] }>([
        'io',
        '--model',
        'async',
        '--urls',
        file,
      ]);
      assert.equal(out.downloads, 3);
      assert.equal(out.bytes, 10 + 2);
      assert.equal(out.errors, 2);
      assert.equal(out.idealSeconds, null);
      assert.ok(out.errorSamples.includes('HTTP 404'), out.errorSamples.join());
      assert.ok(out.errorSamples.includes('ECONNREFUSED'), out.errorSamples.join());
    });
  });
});
