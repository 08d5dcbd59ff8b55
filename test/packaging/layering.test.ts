import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The packages' dependency rules, read from the sources: the library installs alone, the
// queue and the lab reach it only through its public entries, and no package's folders
// import each other in a cycle (a cycle means two folders are really one concept).

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/** Bare specifiers each package may import; `node:` built-ins are always allowed. */
const ALLOWED: Record<string, readonly string[]> = {
  concur: [],
  queue: ['concur', 'concur/backend', 'bullmq', 'ioredis'],
  lab: ['concur', 'concur-queue', 'vega', 'vega-lite'],
};

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Static imports and re-exports (whole statements, not prose in comments), and import(). */
const IMPORT =
  /^(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'|^import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

function importsOf(pkg: string): Import[] {
  return sourceFiles(join(PACKAGES, pkg, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => ({
      file,
      specifier: (m[1] ?? m[2] ?? m[3])!,
    })),
  );
}

/** Strongly connected components of more than one node (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

describe('package layering', () => {
  for (const [pkg, allowed] of Object.entries(ALLOWED)) {
    it(`${pkg} imports only node built-ins and ${allowed.join(', ') || 'nothing else'}`, () => {
      const src = join(PACKAGES, pkg, 'src');
      const wrong = importsOf(pkg).filter(({ file, specifier }) => {
        if (specifier.startsWith('node:')) return false;
        if (specifier.startsWith('.')) {
          return relative(src, resolve(dirname(file), specifier)).startsWith('..');
        }
        return !allowed.includes(specifier);
      });
      assert.deepEqual(
        wrong.map(({ file, specifier }) => `${relative(PACKAGES, file)}: ${specifier}`),
        [],
      );
    });

    it(`${pkg} has no folder cycles`, () => {
      const src = join(PACKAGES, pkg, 'src');
      const graph = new Map<string, Set<string>>();
      for (const { file, specifier } of importsOf(pkg)) {
        if (!specifier.startsWith('.')) continue;
        const from = relative(src, dirname(file)) || '.';
        const to = relative(src, dirname(resolve(dirname(file), specifier))) || '.';
        if (from === to) continue;
        if (!graph.has(from)) graph.set(from, new Set());
        graph.get(from)!.add(to);
      }
      assert.deepEqual(
        cycles(graph).map((c) => c.join(' <-> ')),
        [],
        `folders of packages${sep}${pkg}/src that import each other`,
      );
    });
  }
});
