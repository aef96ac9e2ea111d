/** Environment variables to read settings from; `process.env` fits, and so does a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads a positive integer setting: the explicit option if given, else the environment variable,
 * else the default. Invalid values (from either source) stop start-up with a message that names
 * the setting, so a mistyped `OTEL_BLRP_MAX_QUEUE_SIZE=20k` is not silently replaced by a default.
 *
 * @throws {RangeError} `<name> must be a positive integer (actual: x), expected an integer from 1 to <max>`
 */
export function positiveIntegerSetting(
  option: number | undefined,
  optionName: string,
  envName: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
  env: Environment = process.env,
): number {
  if (option !== undefined) return checkPositiveInteger(option, optionName, max);
  const raw = env[envName];
  if (raw === undefined || raw.trim() === '') return fallback;
  // Number('') is 0 and Number('1e3') is 1000: accept plain decimal digits only.
  return checkPositiveInteger(/^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN, envName, max, raw);
}

function checkPositiveInteger(value: number, name: string, max: number, shown: unknown = value): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be a positive integer (actual: ${String(shown)}), expected an integer from 1 to ${max}`);
  }
  return value;
}
