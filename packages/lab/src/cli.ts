#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.ts';
import { UsageError } from './support/args.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: concur <command> [options]',
    '',
    'Reruns the experiments of "Parallelization in Python" with Node executors, on this machine.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `concur <command> --help` for the options of a command, `concur --version` for versions.',
  ].join('\n');
}

/** The lab's version, and the Node running it (what a bug report needs). */
function versions(): string {
  // src/cli.ts and dist/cli.js are both one folder below the package's root.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `concur-lab ${pkg.version} (Node ${process.version}, ${process.platform}-${process.arch})`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${versions()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(
      `concur: unknown command '${name}'; expected one of ${commands.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`concur ${name}: ${error.message} (see concur ${name} --help)\n`);
      return 2;
    }
    process.stderr.write(
      `concur ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
