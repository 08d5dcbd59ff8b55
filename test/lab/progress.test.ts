import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProgressBar } from '../../packages/lab/src/render/progress.ts';

describe('ProgressBar', () => {
  const stderr = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
  const original = { isTTY: stderr.isTTY, write: stderr.write };
  let written: string[];

  beforeEach(() => {
    written = [];
    stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof stderr.write;
  });
  afterEach(() => {
    stderr.isTTY = original.isTTY;
    stderr.write = original.write;
  });

  it('draws nothing when stderr is not a terminal', async () => {
    stderr.isTTY = false;
    const bar = new ProgressBar('test');
    await sleep(1100);
    bar.update(0.5);
    bar.done();
    assert.deepEqual(written, []);
  });

  it('on a terminal, waits a second before drawing, then clears its line when done', async () => {
    stderr.isTTY = true;
    const bar = new ProgressBar('test');
    bar.update(0.25);
    assert.equal(written.length, 0, 'nothing during the first second');
    await sleep(1100);
    bar.update(0.5, 'half');
    bar.done();
    const drawn = written.find((w) => w.includes('50%'));
    assert.ok(drawn?.startsWith('\rtest ['), JSON.stringify(written));
    assert.match(drawn!, /half/);
    assert.equal(written.at(-1), '\r\x1b[K');
  });
});
