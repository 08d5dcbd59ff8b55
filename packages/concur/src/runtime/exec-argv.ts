/** Flags of the parent's own entry, with their value when it is a separate argument. */
const ENTRY_FLAGS = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * The parent's Node flags for a child, without those that belong to the parent's own entry:
 * the code of `-e`/`-p` (Node's fork drops it too, but only from process.execArgv itself)
 * and `--input-type`, which a worker started on a file refuses (ERR_INPUT_TYPE_NOT_ALLOWED),
 * child process or worker thread alike.
 */
export function inheritedExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (ENTRY_FLAGS.has(flag)) i++;
    else if (!/^--(eval|print|input-type)=/.test(flag)) kept.push(flag);
  }
  return kept;
}
