import assert from 'node:assert/strict';
import { execFileSync, type SpawnSyncOptions, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Folders that stand for a user's project: outside the repository (under the OS temp
 * dir), so no node_modules above them lends them concur or tsx by accident.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CORE = join(ROOT, 'packages/concur');
export const FIXTURES = join(ROOT, 'test/fixtures');

/** Temporary folders made by one test file; `removeAll()` in its `after`. */
export class TempDirs {
  readonly #dirs: string[] = [];

  make(prefix = 'concur-user-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export interface ProjectOptions {
  /** The package.json `type`. */
  type: 'module' | 'commonjs';
  /**
   * `link`: node_modules/concur is a symlink to packages/concur (the build, as a
   * workspace install gives); `copy`: a copy of its package.json and dist/ only, so
   * nothing of the repository (tsx included) is reachable from the project.
   */
  concur: 'link' | 'copy';
  /** Also link the repository's tsx into node_modules. */
  tsx?: boolean;
  /** Copy this folder of test/fixtures into the project. */
  fixture?: string;
  /** Make the project here instead of in a new temporary folder. */
  dir?: string;
}

/** A project folder with concur (and maybe tsx) in its node_modules, as an installed app has. */
export function userProject(temps: TempDirs, options: ProjectOptions): string {
  const dir = options.dir ?? temps.make();
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: options.type, private: true }));
  const concur = join(dir, 'node_modules/concur');
  if (options.concur === 'link') {
    symlink(CORE, concur);
  } else {
    mkdirSync(concur);
    copyFileSync(join(CORE, 'package.json'), join(concur, 'package.json'));
    cpSync(join(CORE, 'dist'), join(concur, 'dist'), { recursive: true });
  }
  if (options.tsx === true) symlink(join(ROOT, 'node_modules/tsx'), join(dir, 'node_modules/tsx'));
  if (options.fixture !== undefined)
    cpSync(join(FIXTURES, options.fixture), dir, { recursive: true });
  return dir;
}

function symlink(target: string, path: string): void {
  symlinkSync(target, path, 'dir');
}

/** Runs `node ARGS` in `cwd` (two minutes at most), asserts exit 0, returns its output. */
export function runNode(
  cwd: string,
  args: string[],
  options: Pick<SpawnSyncOptions, 'env'> = {},
): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
  });
  assert.equal(result.error, undefined, `the program did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, `exit code ${result.status}\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The JSON object a program prints on its last line of output. */
export function lastJsonLine(stdout: string): unknown {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** Builds the packages (npm run build) unless packages/concur/`file` is there already. */
export function ensureBuilt(file = 'dist/index.js'): void {
  if (!existsSync(join(CORE, file)))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}
