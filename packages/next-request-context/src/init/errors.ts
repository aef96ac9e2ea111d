/**
 * The error `init` stops on before changing anything: the directory is not an app it can set up,
 * or the command line is wrong. The CLI prints the message and exits with `exitCode` (2).
 */
export class InitError extends Error {
  override readonly name: string = 'InitError';

  constructor(
    message: string,
    /** The process exit code for this error. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** A wrong command line: the CLI prints the message and the usage text on stderr, exit code 2. */
export class UsageError extends InitError {
  override readonly name: string = 'UsageError';
}
