import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCE_CLI = fileURLToPath(new URL('../../packages/lab/src/cli.ts', import.meta.url));
export const BUILT_CLI = fileURLToPath(new URL('../../packages/lab/dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /**
   * Run the TypeScript sources through tsx instead of the built bin. Most tests use the
   * built bin, as a user does (npm test builds first), and it starts about five times
   * faster; a few run from source so that path stays covered too.
   */
  source?: boolean;
  cwd?: string;
  /** The environment of the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Its own process group, so a test can send a signal to all of it as Ctrl-C does. */
  detached?: boolean;
  /** Called once the command is spawned. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `concur ...args` as a separate process, like a user would. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (options.source !== true && !existsSync(BUILT_CLI)) {
    throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first (npm test does)`);
  }
  const argv =
    options.source === true ? ['--import', 'tsx', SOURCE_CLI, ...args] : [BUILT_CLI, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: options.detached === true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the command with --json and parses stdout; fails with stderr when it did not succeed. */
export async function runJson<T = Record<string, unknown>>(
  args: string[],
  options: CliOptions = {},
): Promise<T> {
  const end = args.indexOf('--');
  const withJson =
    end === -1 ? [...args, '--json'] : [...args.slice(0, end), '--json', ...args.slice(end)];
  const result = await runCli(withJson, options);
  if (result.code !== 0) {
    throw new Error(`concur ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}
