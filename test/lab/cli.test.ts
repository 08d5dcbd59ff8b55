import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.ts';

const COMMANDS = ['profile', 'structures', 'cpu', 'io', 'compare'];

// Each case is a separate process that mostly waits for Node to start: run them side by side.
describe('concur CLI', { concurrency: 4 }, () => {
  for (const source of [false, true]) {
    it(`lists every command in --help (${source ? 'TypeScript sources' : 'built bin'})`, async () => {
      const result = await runCli(['--help'], { source });
      assert.equal(result.code, 0);
      for (const name of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${name} `, 'm'));
    });
  }

  for (const flag of ['--version', '-v']) {
    it(`${flag} prints the lab's version and the Node running it`, async () => {
      const result = await runCli([flag]);
      assert.equal(result.code, 0, result.stderr);
      const { version } = JSON.parse(
        readFileSync(new URL('../../packages/lab/package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      assert.equal(
        result.stdout,
        `concur-lab ${version} (Node ${process.version}, ${process.platform}-${process.arch})\n`,
      );
    });
  }

  for (const name of COMMANDS) {
    it(`${name} --help prints its usage and exits 0`, async () => {
      const result = await runCli([name, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Usage: concur ${name}`));
    });
  }

  const bad: [string, string[], RegExp][] = [
    ['an unknown flag', ['cpu', '--bogus'], /unknown option '--bogus'/],
    [
      'a non-integer',
      ['cpu', '--workers', 'two'],
      /--workers must be an integer from 1 and up, got 'two'/,
    ],
    [
      'a negative number (not taken for a forgotten value)',
      ['compare', 'cpu', '--batches', '-3'],
      /--batches must be an integer from 1 and up, got '-3'/,
    ],
    [
      'more workers than a lab run starts',
      ['cpu', '--workers', '257'],
      /--workers must be at most 256, got '257'/,
    ],
    [
      'zero workers',
      ['cpu', '--workers', '0'],
      /--workers must be an integer from 1 and up, got '0'/,
    ],
    ['an unknown model', ['cpu', '--model', 'fibers'], /--model must be one of sequential, async/],
    [
      'an unknown io model',
      ['io', '--model', 'curl'],
      /--model must be one of sequential, process/,
    ],
    ['a missing value', ['io', '--latency'], /--latency/],
    [
      'a bad worker list',
      ['compare', 'cpu', '--workers', '1,x'],
      /--workers must be a comma-separated list/,
    ],
    ['an unknown workload', ['compare', 'gpu'], /unknown workload 'gpu'/],
    [
      'a model of no workload',
      ['compare', 'cpu', '--models', 'async-blocking'],
      /'async-blocking' is not a model of cpu/,
    ],
    ['a task without inputs', ['compare', '--task', 'x.ts#y'], /--task and --inputs go together/],
    ['a missing script', ['profile'], /missing the script to profile/],
    ['a stray argument', ['structures', 'extra'], /unexpected argument 'extra'/],
    ['a missing --urls file', ['io', '--urls', '/nonexistent/urls.txt'], /cannot read --urls/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with one line on ${what}`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, message);
    });
  }

  it('exits 2 on an unknown command', async () => {
    const result = await runCli(['benchmark']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'benchmark'/);
  });

  it("is linked by the README's `npm ci`, so `npx concur` runs from a fresh clone", () => {
    // npm links bins before the root's `prepare` builds dist/: a bin pointing into dist/
    // was skipped on a fresh clone, and `npx concur` found no executable.
    for (const bin of ['concur', 'concur-lab', 'concur-worker']) {
      const path = fileURLToPath(new URL(`../../node_modules/.bin/${bin}`, import.meta.url));
      assert.ok(existsSync(path), `${path} is missing: npm did not link the bin`);
      const help = spawnSync(path, ['--help'], { encoding: 'utf8' });
      assert.equal(help.status, 0, `${bin} --help: ${help.stderr}`);
      assert.match(help.stdout, /Usage: concur/);
    }
  });

  it('is the package bin, built with a shebang', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../packages/lab/package.json', import.meta.url), 'utf8'),
    ) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.bin.concur, './bin/concur.js');
    const built = new URL('../../packages/lab/bin/concur.js', import.meta.url);
    assert.ok(existsSync(built), 'run `npm run build` first (npm test does)');
    assert.match(readFileSync(built, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    // npx runs the bin directly: after a rebuild it must still be executable.
    assert.equal(statSync(built).mode & 0o111, 0o111);
  });
});
