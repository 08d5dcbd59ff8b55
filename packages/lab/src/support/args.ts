import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad flag or value: the CLI prints its one-line message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'CONCUR_LAB_USAGE';
}

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
  /** Arguments after a `--`, passed through untouched. */
  rest: string[];
}

/**
 * `--flag -3` as `--flag=-3`: parseArgs takes a value that starts with a dash for a
 * forgotten value ("ambiguous"), where the user meant a negative number, which the
 * flag's own check then refuses with a message that says what it takes.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const long = arg.startsWith('--') && !arg.includes('=') ? options[arg.slice(2)] : undefined;
    if (long?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs in strict mode, with `--help` on every command and errors as UsageError. */
export function parseCommandArgs(argv: string[], options: Options, maxPositionals: number): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  argv = joinNegativeValues(argv, options);
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
      throw new UsageError(`unknown option '${option}'`);
    }
    throw new UsageError(message.split('\n')[0] ?? message);
  }
  const terminator = parsed.tokens?.find((t) => t.kind === 'option-terminator');
  const rest = terminator === undefined ? [] : argv.slice(terminator.index + 1);
  const positionals = parsed.positionals.slice(0, parsed.positionals.length - rest.length);
  if (positionals.length > maxPositionals && parsed.values.help !== true) {
    throw new UsageError(`unexpected argument '${positionals[maxPositionals]}'`);
  }
  return { values: parsed.values as Values, positionals, rest };
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/**
 * Most workers a lab run starts: each is a thread or a process of its own (tens of MB), and
 * past a few times the cores they only queue for them.
 */
export const MAX_WORKERS = 256;

export function intFlag(
  values: Values,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer from ${min} and up, got ${shown(raw)}`);
  }
  if (n > max) throw new UsageError(`--${name} must be at most ${max}, got ${shown(raw)}`);
  return n;
}

export function intListFlag(
  values: Values,
  name: string,
  fallback: number[],
  max = Number.MAX_SAFE_INTEGER,
): number[] {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const parts = String(raw).split(',');
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new UsageError(
      `--${name} must be a comma-separated list of integers from 1 and up, got ${shown(raw)}`,
    );
  }
  const over = parts.find((p) => Number(p) > max);
  if (over !== undefined) {
    throw new UsageError(
      `--${name} must list integers of at most ${max}, got ${over} in ${shown(raw)}`,
    );
  }
  return parts.map(Number);
}

export function choiceFlag<T extends string>(
  values: Values,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${shown(raw)}`);
  }
  return raw as T;
}

export function choiceListFlag<T extends string>(
  values: Values,
  name: string,
  allowed: readonly T[],
  fallback: readonly T[],
): T[] {
  const raw = values[name];
  if (raw === undefined) return [...fallback];
  const parts = String(raw).split(',');
  const bad = parts.find((p) => !(allowed as readonly string[]).includes(p));
  if (bad !== undefined) {
    throw new UsageError(`--${name} takes a list of ${allowed.join(', ')}, got ${shown(bad)}`);
  }
  return parts as T[];
}
