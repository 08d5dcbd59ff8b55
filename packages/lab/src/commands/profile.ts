import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LineProfile } from '../profile/profile-data.ts';
import { hottestFunctions, renderProfile } from '../profile/report.ts';
import { intFlag, parseCommandArgs, UsageError } from '../support/args.ts';
import { childExecArgv, isTypeScriptPath, labModule } from '../support/child-node.ts';
import { type Command, write, writeJson } from './command.ts';

const USAGE = `Usage: concur profile <script> [options] [-- script arguments]

A line profiler, the story's \`kernprof -lv\`: runs the script in a child process under
V8's sampling profiler and prints, for the hottest functions, the samples and time of
each line. TypeScript runs through tsx; lines point into the .ts file.

Options:
  --top N          functions to show (default 3)
  --interval US    sampling interval in microseconds (default 100)
  --json           print the profile as JSON on stdout (the script's output goes to stderr)
  -h, --help       show this help

JSON fields: command, script, exitCode, totalSamples, durationMicros,
functions[] of { name, url, line, samples, lines[] of { line, samples } }, other[].`;

function runProfiled(
  script: string,
  args: string[],
  out: string,
  interval: number,
  json: boolean,
): Promise<number | null> {
  const hook = labModule(import.meta.url, '../profile/hook.ts');
  const child = spawn(
    process.execPath,
    [...childExecArgv([script, hook]), '--import', pathToFileURL(hook).href, script, ...args],
    {
      stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
      env: {
        ...process.env,
        CONCUR_PROFILE_OUT: out,
        CONCUR_PROFILE_INTERVAL_US: String(interval),
        CONCUR_PROFILE_TS_LINES: isTypeScriptPath(script) ? '1' : '0',
      },
    },
  );
  child.stdout?.pipe(process.stderr, { end: false });
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolveExit(code));
  });
}

export const profileCommand: Command = {
  name: 'profile',
  summary: 'line-level profile of a script (JS or TypeScript), like kernprof -lv',
  async run(argv) {
    const { values, positionals, rest } = parseCommandArgs(
      argv,
      { top: { type: 'string' }, interval: { type: 'string' }, json: { type: 'boolean' } },
      1,
    );
    if (values.help === true) {
      write(USAGE);
      return 0;
    }
    const top = intFlag(values, 'top', 3);
    const interval = intFlag(values, 'interval', 100);
    const target = positionals[0];
    if (target === undefined) throw new UsageError('missing the script to profile');
    const script = resolve(target);
    if (!existsSync(script)) throw new UsageError(`no such script: ${target}`);
    const dir = mkdtempSync(join(tmpdir(), 'concur-profile-'));
    try {
      const out = join(dir, 'profile.json');
      const json = values.json === true;
      const exitCode = await runProfiled(script, rest, out, interval, json);
      if (!existsSync(out)) {
        throw new Error(
          `${target} ended (exit code ${exitCode ?? 'none: killed by a signal'}) without writing a profile`,
        );
      }
      const profile = JSON.parse(readFileSync(out, 'utf8')) as LineProfile;
      if (json) {
        writeJson({
          command: 'profile',
          script,
          exitCode,
          ...profile,
          functions: hottestFunctions(profile, top),
        });
      } else {
        if (exitCode !== 0) write(`note: ${target} exited with code ${exitCode}`);
        write(renderProfile(profile, top));
      }
      return 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
