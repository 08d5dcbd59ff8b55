import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as concur from '../../packages/concur/src/index.ts';

// The executors' plumbing (how lazyMap schedules chunks, how a future tells its executor
// it was cancelled) lives on private adapter objects, not on the classes users hold.

const INTERNALS = ['scheduleChunk', 'cancelChunk', 'autoChunkSize', 'futureCancelled'];
const DIST = new URL('../../packages/concur/dist/', import.meta.url);

before(() => {
  if (!existsSync(new URL('core.js', DIST))) {
    execFileSync('npm', ['run', 'build'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
  }
});

function membersOf(ctor: Function): string[] {
  const names: string[] = [];
  for (let proto = ctor.prototype; proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    names.push(...Object.getOwnPropertyNames(proto));
  return names;
}

describe('the public executor classes', () => {
  const executors = {
    SequentialExecutor: concur.SequentialExecutor,
    AsyncExecutor: concur.AsyncExecutor,
    ThreadPoolExecutor: concur.ThreadPoolExecutor,
    ProcessPoolExecutor: concur.ProcessPoolExecutor,
  };

  for (const [name, ctor] of Object.entries(executors)) {
    it(`${name} has no internal methods, itself or inherited`, () => {
      const members = membersOf(ctor);
      assert.deepEqual(
        INTERNALS.filter((internal) => members.includes(internal)),
        [],
      );
      assert.ok(members.includes('submit') && members.includes('map'), name);
    });
  }

  it('their shipped declarations do not name the internals', () => {
    const files = [
      'index.d.ts',
      ...readdirSync(new URL('executors/', DIST))
        .filter((file) => file.endsWith('.d.ts'))
        .map((file) => `executors/${file}`),
    ];
    for (const file of files) {
      const text = readFileSync(new URL(file, DIST), 'utf8');
      const found = INTERNALS.filter((internal) => text.includes(internal));
      assert.deepEqual(found, [], file);
    }
  });
});
