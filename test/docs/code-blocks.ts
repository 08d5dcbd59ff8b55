// Code blocks of the README and docs/*.md, as files a test can type-check and run.
// A fence's info string is the language and flags: ```ts and ```js blocks are checked and
// run; ```ts check (or js check) blocks are only type-checked, for code that needs the
// network or Redis; ```json tsconfig is the tsconfig the blocks are compiled with.
// Inside a block, a line `// name.ts` (or `// name.js: ...`) starts a file of that name, so
// one block can show a task module and the program that uses it.

export interface CodeBlock {
  /** Markdown file, relative to the repository. */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: 'ts' | 'js';
  /** Type-checked only: the block needs something a test machine lacks (network, Redis). */
  readonly checkOnly: boolean;
  /** File name to source, in the order they appear. */
  readonly files: Map<string, string>;
}

export interface ExtractedDoc {
  readonly blocks: CodeBlock[];
  /** The text of a ```json tsconfig block, if the document has one. */
  readonly tsconfig: string | undefined;
}

const FENCE = /^(\s*)```(\S*)(.*)$/;
const FILE_HEADER = /^\/\/ ([\w.-]+\.(?:ts|js|mjs|cjs))(?::|,|$)/;

export function extractBlocks(doc: string, markdown: string): ExtractedDoc {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let tsconfig: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', lang = '', rest = ''] = open;
    const flags = rest.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? '')) {
      body.push((lines[j] ?? '').slice(indent.length));
      j++;
    }
    if (lang === 'json' && flags.includes('tsconfig')) tsconfig = body.join('\n');
    if (lang === 'ts' || lang === 'js') {
      const unknown = flags.filter((flag) => flag !== 'check');
      if (unknown.length > 0)
        throw new Error(
          `${doc}:${i + 1}: unknown code block flag ${unknown.join(' ')}; use "check" or nothing`,
        );
      blocks.push({
        doc,
        line: i + 1,
        lang,
        checkOnly: flags.includes('check'),
        files: splitFiles(body, lang),
      });
    }
    i = j;
  }
  return { blocks, tsconfig };
}

function splitFiles(body: string[], lang: 'ts' | 'js'): Map<string, string> {
  const files = new Map<string, string>();
  let name = `snippet.${lang}`;
  let current: string[] = [];
  const flush = (): void => {
    const text = current.join('\n').trim();
    if (text !== '') files.set(name, `${text}\n`);
  };
  for (const line of body) {
    const header = FILE_HEADER.exec(line);
    if (header?.[1] !== undefined) {
      flush();
      name = header[1];
      current = [];
    }
    current.push(line);
  }
  flush();
  return files;
}
