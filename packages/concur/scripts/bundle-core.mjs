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
import { build, transformSync } from 'esbuild';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const CORE = join(DIST, 'core.js');
/** Left file by file: folders of other entries, and scripts that run on import. */
const ENTRIES = ['runtime/entry/thread-entry.js', 'runtime/entry/process-entry.js'].map((f) =>
  join(DIST, f),
);
/** What the launchers run before they load core.js (the compile cache): left as it is. */
const BEFORE_CORE = [join(DIST, 'runtime/entry/compile-cache.js')];
/** Not bundled: the launchers, what they run first, and the bundle itself. */
const LEFT_ALONE = new Set([...ENTRIES, ...BEFORE_CORE, CORE]);
/** The package's entry points: they re-export names that other modules own. */
const BARRELS = ['index.js', 'backend.js'].map((f) => join(DIST, f));

function coreModules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreModules(path);
    if (!entry.name.endsWith('.js') || LEFT_ALONE.has(path)) return [];
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
writeFileSync(CORE, withoutDocComments(builtinsWithoutEsm(readFileSync(CORE, 'utf8'))));

/**
 * Drops the JSDoc blocks tsc kept (~20 KB of the ~500 KB the package may weigh): the
 * declarations (.d.ts) carry them for editors, and the line comments naming each source
 * module stay. Checked, not trusted: esbuild must minify both versions to the same text.
 */
function withoutDocComments(code) {
  const stripped = code.replace(/^[ \t]*\/\*\*[\s\S]*?\*\/[ \t]*\n/gm, '');
  const same = (text) => transformSync(text, { minify: true, format: 'esm' }).code;
  if (same(stripped) !== same(code)) {
    throw new Error('bundle-core: removing doc comments changed the program');
  }
  return stripped;
}

/**
 * Rewrites the bundle's imports of Node's built-in modules (`import { x } from "node:fs"`)
 * into reads of the modules themselves (`process.getBuiltinModule`, Node 20.16+/22.3+,
 * else `require`). An ES import of a built-in makes Node build an ES facade of the module
 * (for node:fs it also loads fs/promises to fill in every export): in a new worker thread
 * the core's ten built-ins took ~4 ms that way on Node 24 and ~0.8 ms through
 * getBuiltinModule (AMD EPYC). The values are the same objects. The declarations go to the
 * top of the file, so nothing can use one before it is set; esbuild gives each binding a
 * name unique in the bundle.
 */
function builtinsWithoutEsm(code) {
  const HELPER = '__concurBuiltin';
  if (code.includes(HELPER)) throw new Error(`bundle-core: the bundle already uses ${HELPER}`);
  const declarations = [];
  const rest = code.replace(/^import (.+) from "(node:[\w/]+)";\n/gm, (line, what, id) => {
    const from = `${HELPER}(${JSON.stringify(id)})`;
    const namespace = /^\* as (\w+)$/.exec(what) ?? /^(\w+)$/.exec(what);
    const named = /^\{ ([\w, ]+) \}$/.exec(what);
    if (namespace) declarations.push(`const ${namespace[1]} = ${from};`);
    else if (named) {
      const bindings = named[1]
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => part.replace(/^(\w+) as (\w+)$/, '$1: $2'));
      declarations.push(`const { ${bindings.join(', ')} } = ${from};`);
    } else throw new Error(`bundle-core: no rewrite for ${line.trim()}`);
    return '';
  });
  const left = /^import .* from "node:.*$/m.exec(rest);
  if (left) throw new Error(`bundle-core: no rewrite for ${left[0]}`);
  const helper = [
    `import { createRequire as ${HELPER}Require } from "node:module";`,
    `const ${HELPER} = process.getBuiltinModule ?? ${HELPER}Require(import.meta.url);`,
  ];
  return [...helper, ...declarations, rest].join('\n');
}

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
  const direct = text.replace(/(from |import\()'(\.\.?\/[^']+\.js)'/g, (whole, how, path) => {
    const owner = join(dirname(file), path);
    if (BEFORE_CORE.includes(owner)) return whole;
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
