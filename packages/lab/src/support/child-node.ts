import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** True when the lab itself runs from TypeScript sources (through tsx) rather than from dist/. */
export const runningFromSource = import.meta.url.endsWith('.ts');

/** A lab module next to the caller, in whichever form the lab runs (.ts sources or built .js). */
export function labModule(fromUrl: string, relative: string): string {
  const url = new URL(relative.replace(/\.ts$/, runningFromSource ? '.ts' : '.js'), fromUrl);
  return fileURLToPath(url);
}

export function isTypeScriptPath(path: string): boolean {
  return /\.(c|m)?tsx?$/.test(path);
}

/** The `--import` argument that loads tsx, or undefined when tsx is not installed. */
export function tsxImportUrl(): string | undefined {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return undefined;
  }
}

/**
 * tsx's register API (tsx/esm/api), for a worker thread that must import a TypeScript
 * module itself: Node 20 does not carry `--import tsx` into worker threads. tsx is the
 * user's, as for `--import` above; undefined when it is not installed.
 */
export function tsxRegisterUrl(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

/**
 * Node flags for a child that must load `paths`: this process's own flags, plus tsx
 * when one of them is TypeScript and tsx is not loaded yet.
 */
export function childExecArgv(paths: readonly string[]): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  const hasTsx = argv.some((a) => a.includes('tsx'));
  if (!hasTsx && paths.some(isTypeScriptPath)) {
    const tsx = tsxImportUrl();
    if (tsx === undefined) {
      throw new Error(
        `${paths.find(isTypeScriptPath)} is TypeScript and tsx is not installed: run \`npm install -D tsx\`, or pass the compiled .js file`,
      );
    }
    argv.push('--import', tsx);
  }
  return argv;
}

/** Forks a lab module with an IPC channel; its stdout goes to our stderr so it cannot spoil --json. */
export function forkLab(
  path: string,
  args: string[] = [],
  extraPaths: string[] = [],
): ChildProcess {
  const child = fork(path, args, {
    execArgv: childExecArgv([path, ...extraPaths]),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  child.stdout?.pipe(process.stderr, { end: false });
  return child;
}
