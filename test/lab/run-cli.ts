import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/lab/cli.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `concur ...args` from the TypeScript sources, as a separate process, like a user would. */
export function runCli(args: string[], cwd?: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  cwd?: string,
): Promise<T> {
  const end = args.indexOf('--');
  const withJson =
    end === -1 ? [...args, '--json'] : [...args.slice(0, end), '--json', ...args.slice(end)];
  const result = await runCli(withJson, cwd);
  if (result.code !== 0)
    throw new Error(`concur ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
