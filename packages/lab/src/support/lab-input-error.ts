/**
 * The user's task module or inputs cannot be used (not a module, no such task export, not
 * JSON): bad input, which the CLI reports in one line with exit code 2, like a bad flag.
 */
export class LabInputError extends Error {
  static readonly code = 'CONCUR_LAB_BAD_INPUT';
  override name = 'LabInputError';
  readonly code = LabInputError.code;
}
