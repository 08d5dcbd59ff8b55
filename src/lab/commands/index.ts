import type { Command } from './command.ts';
import { cpuCommand } from './cpu.ts';

/** Every subcommand of `concur`, in the order `concur --help` lists them. */
export const commands: readonly Command[] = [cpuCommand];
