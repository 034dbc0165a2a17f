/**
 * An error the CLI reports as one line on stderr, exiting with `exitCode` (2 = bad input). In a
 * file of its own: cli/program.ts needs it before any verb is loaded, and `--help` loads nothing
 * more (cli/common.ts re-exports it for the verbs).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
