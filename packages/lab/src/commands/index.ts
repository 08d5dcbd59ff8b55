import type { Command } from './command.ts';
import { compareCommand } from './compare.ts';
import { cpuCommand } from './cpu.ts';
import { ioCommand } from './io.ts';
import { profileCommand } from './profile.ts';
import { structuresCommand } from './structures.ts';
import { workerCommand } from './worker.ts';

/** Every subcommand of `concur`, in the order `concur --help` lists them. */
export const commands: readonly Command[] = [
  profileCommand,
  structuresCommand,
  cpuCommand,
  ioCommand,
  compareCommand,
  workerCommand,
];
