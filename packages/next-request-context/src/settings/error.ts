/**
 * A setting that cannot work: the one error type of every setting of this package (environment
 * variables and options alike). Thrown at startup, never while a request is handled. The message
 * states the rule: `NAME is invalid (actual: x), expected y`.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(
    /** The environment variable or option at fault. */
    readonly setting: string,
    actual: string,
    expected: string,
  ) {
    super(`${setting} is invalid (actual: ${actual}), expected ${expected}`);
  }
}
