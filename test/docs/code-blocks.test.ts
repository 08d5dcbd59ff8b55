import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CodeBlock, extractBlocks } from './code-blocks.ts';

// Every ```ts and ```js block of the README and docs/ is compiled, in one tsc run, with the
// tsconfig docs/typescript.md recommends, against the built packages (as a user's project
// sees them), and the runnable ones run as compiled JavaScript on this Node, so a doc that
// goes stale fails here. JavaScript blocks are parsed and run, not type-checked (checkJs
// would ask a CommonJS example for JSDoc types). The README's blocks also run under tsx, as its quick start says.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const blocks: CodeBlock[] = [];
let tsconfigText: string | undefined;
for (const doc of DOCS) {
  const extracted = extractBlocks(doc, readFileSync(join(ROOT, doc), 'utf8'));
  blocks.push(...extracted.blocks);
  tsconfigText ??= extracted.tsconfig;
}

let work = '';
const folders = new Map<CodeBlock, string>();
let compiled = { status: null as number | null, output: 'not compiled' };

function folderName(block: CodeBlock, index: number): string {
  return `b${String(index).padStart(2, '0')}-${block.doc.replace(/\W+/g, '-')}-${block.line}`;
}

/** A block that imports ./tasks.ts without showing it uses the last one its document showed (or the README's). */
function tasksFileFor(block: CodeBlock, index: number): [string, string] | undefined {
  const name = block.lang === 'ts' ? 'tasks.ts' : 'tasks.js';
  if (block.files.has(name)) return undefined;
  if (![...block.files.values()].some((code) => code.includes(`'./${name}'`))) return undefined;
  const earlier = blocks.slice(0, index).reverse();
  const source =
    earlier.find((b) => b.doc === block.doc && b.files.has(name)) ??
    blocks.find((b) => b.files.has(name));
  const code = source?.files.get(name);
  assert.ok(code, `${block.doc}:${block.line} imports ./${name}, which no block shows`);
  return [name, code];
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The file a block's program starts at: main.*, or its one file. */
function entryOf(block: CodeBlock): string {
  const names = [...block.files.keys()];
  const main = names.find((n) => /^main\.[jt]s$/.test(n));
  const entry = main ?? names.find((n) => !n.startsWith('tasks.')) ?? names[0];
  assert.ok(entry, `${block.doc}:${block.line} is empty`);
  return entry;
}

describe('code blocks of the README and docs/', { concurrency: 2 }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'concur-doc-blocks-'));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    blocks.forEach((block, index) => {
      const folder = folderName(block, index);
      folders.set(block, folder);
      const files = new Map(block.files);
      const tasks = tasksFileFor(block, index);
      if (tasks !== undefined) files.set(...tasks);
      const commonjs =
        [...files.values()].some((code) => /\brequire\(/.test(code)) && block.lang === 'js';
      for (const top of ['src', 'dist']) {
        mkdirSync(join(work, top, folder), { recursive: true });
        if (commonjs)
          writeFileSync(join(work, top, folder, 'package.json'), '{ "type": "commonjs" }\n');
      }
      for (const [name, code] of files) writeFileSync(join(work, 'src', folder, name), code);
    });
    const documented = JSON.parse(tsconfigText ?? '{}') as {
      compilerOptions: Record<string, unknown>;
    };
    const tsconfig = {
      compilerOptions: {
        ...documented.compilerOptions,
        rootDir: 'src',
        outDir: 'dist',
        allowJs: true,
      },
      include: ['src'],
    };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], {
      cwd: work,
      encoding: 'utf8',
    });
    compiled = { status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` };
  });
  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('has code blocks, and docs/typescript.md has the tsconfig they compile with', () => {
    assert.ok(blocks.length >= 10, `found only ${blocks.length} blocks`);
    assert.ok(tsconfigText, 'docs/typescript.md has no ```json tsconfig block');
  });

  it('links between the README and docs/ point to files and headings that exist', () => {
    // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    const anchors = (file: string): Set<string> =>
      new Set(
        [...readFileSync(file, 'utf8').matchAll(/^#+ (.*)$/gm)].map((m) =>
          (m[1] ?? '')
            .trim()
            .toLowerCase()
            .replace(/[^\w\- ]/g, '')
            .replaceAll(' ', '-'),
        ),
      );
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const [, link = ''] of readFileSync(join(ROOT, doc), 'utf8').matchAll(
        /\]\(([^)\s]+)\)/g,
      )) {
        if (/^[a-z]+:/.test(link)) continue;
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(ROOT, doc) : join(ROOT, dirname(doc), path);
        if (!existsSync(target)) broken.push(`${doc}: ${link} (no such file)`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchors(target).has(anchor))
          broken.push(`${doc}: ${link} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('compiles every block with the documented tsconfig (one tsc run)', () => {
    let output = compiled.output;
    for (const [block, folder] of folders)
      output = output.replaceAll(`src/${folder}/`, `${block.doc}:${block.line} `);
    assert.equal(compiled.status, 0, output);
  });

  for (const block of blocks.filter((b) => !b.checkOnly)) {
    it(`runs ${block.doc}:${block.line} compiled by tsc`, async () => {
      const folder = folders.get(block) ?? '';
      const entry = entryOf(block).replace(/\.ts$/, '.js');
      const result = await run(process.execPath, [entry], join(work, 'dist', folder));
      assert.equal(result.status, 0, result.output);
    });
    if (block.doc === 'README.md' && block.lang === 'ts') {
      it(`runs ${block.doc}:${block.line} under tsx`, async () => {
        const folder = folders.get(block) ?? '';
        const result = await run(
          process.execPath,
          ['--import', 'tsx', entryOf(block)],
          join(work, 'src', folder),
        );
        assert.equal(result.status, 0, result.output);
      });
    }
  }
});
