// Runs after tsc (npm run build). Node loads an ES module graph file by file, at about
// 1.2 ms a module here: the 60-odd modules of the core cost a new worker ~70 ms before
// it could run a task, two to three times a whole worker thread's start. So the core's
// JavaScript goes into one file, dist/core.js, and every core module tsc wrote becomes a
// stub that re-exports its names from it. That keeps exactly one copy of each class
// (Future's #private fields, the task registry) whichever path imports it: the two entry
// points (`concur`, `concur/backend`) and the worker entries. The worker entries are
// short launchers (runtime/entry/thread-entry.js, process-entry.js) whose dynamic import is
// pointed straight at core.js, so a worker loads its launcher and core.js and nothing
// else; a task module that imports `concur` adds the one-line index.js stub, which
// re-exports from the same core.js instance. Declarations (.d.ts) stay as tsc wrote them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const CORE = join(DIST, 'core.js');
/** Left file by file: folders of other entries, and scripts that run on import. */
const ENTRIES = ['runtime/entry/thread-entry.js', 'runtime/entry/process-entry.js'].map((f) =>
  join(DIST, f),
);
/** The package's entry points: they re-export names that other modules own. */
const BARRELS = ['index.js', 'backend.js'].map((f) => join(DIST, f));

function coreModules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreModules(path);
    if (!entry.name.endsWith('.js') || ENTRIES.includes(path) || path === CORE) return [];
    return [path];
  });
}

const modules = coreModules(DIST);
// The names each module exports, to write its stub and to refuse a name two modules
// share (`export *` would silently drop it from the bundle).
const exportsOf = new Map();
const ownerOf = new Map();
for (const file of modules) {
  const names = Object.keys(await import(pathToFileURL(file).href));
  exportsOf.set(file, names);
  if (BARRELS.includes(file)) continue;
  for (const name of names) {
    const other = ownerOf.get(name);
    if (other !== undefined) {
      throw new Error(`bundle-core: ${name} is exported by both ${other} and ${file}; rename one`);
    }
    ownerOf.set(name, file);
  }
}

const spec = (from, file) => {
  const path = relative(dirname(from), file).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
};
const entry = modules
  .filter((file) => !BARRELS.includes(file))
  .map((file) => `export * from ${JSON.stringify(spec(CORE, file))};`)
  .join('\n');

await build({
  stdin: { contents: entry, resolveDir: DIST, sourcefile: 'core-entry.js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: CORE,
  // No source map: the package ships dist/ only, and a map would point at sources it lacks.
  sourcemap: false,
  logLevel: 'warning',
});

for (const file of modules) {
  const names = exportsOf.get(file);
  const stub =
    names.length === 0
      ? `import ${JSON.stringify(spec(file, CORE))};\n`
      : `export { ${names.join(', ')} } from ${JSON.stringify(spec(file, CORE))};\n`;
  writeFileSync(file, stub);
}
// The launchers import a worker's main function from a core module; point that import
// straight at core.js, so that no stub is loaded on a worker's start.
for (const file of ENTRIES) {
  const text = readFileSync(file, 'utf8');
  const direct = text.replace(/(from |import\()'(\.\.?\/[^']+\.js)'/g, (_, how, path) => {
    const owner = join(dirname(file), path);
    if (!exportsOf.has(owner))
      throw new Error(`bundle-core: ${file} imports ${path}, not a core module`);
    return `${how}${JSON.stringify(spec(file, CORE))}`;
  });
  if (direct === text)
    throw new Error(`bundle-core: ${file} has no core import to point at core.js`);
  writeFileSync(file, direct);
}
const size = readFileSync(CORE).length;
console.log(
  `bundle-core: ${modules.length} modules -> dist/core.js (${(size / 1024).toFixed(0)} KiB)`,
);
