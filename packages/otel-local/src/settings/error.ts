/**
 * A setting that cannot work: the one error type of every collector setting (options and
 * environment variables alike), thrown before anything starts. The message states the rule:
 * `NAME is invalid (actual: x), expected y` (the same shape as next-request-context's).
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(
    /** The option or environment variable at fault. */
    readonly setting: string,
    actual: string,
    expected: string,
  ) {
    super(`${setting} is invalid (actual: ${actual}), expected ${expected}`);
  }
}
