// Runs after tsc in a package's build (cwd: the package): copies dist/**/*.d.ts into
// dist/require-types/, a folder whose package.json says "commonjs", for the `require`
// condition of the package's exports. At run time `require('concur')` loads the same
// ES module as `import` (Node 20.19+ and 22.12+ load ES modules with require()), so
// there is one copy of every class. TypeScript, though, judges a declaration file's
// format by its package: with `module: node16` (or node18) a CommonJS file that imports
// declarations of an ES module fails with TS1479, even where Node can load it. The same
// declarations under a CommonJS package.json describe what require() returns, a plain
// object of named exports, and need no other change.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const DIST = 'dist';
const OUT = join(DIST, 'require-types');

if (!existsSync(join(DIST, 'index.d.ts'))) {
  throw new Error(`require-types: ${join(process.cwd(), DIST)} has no index.d.ts; run tsc first`);
}
rmSync(OUT, { recursive: true, force: true });

function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

for (const file of declarations(DIST)) {
  const copy = join(OUT, relative(DIST, file));
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(file, copy);
}
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
