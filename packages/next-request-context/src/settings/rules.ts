import { ConfigurationError } from './error.js';

/** Environment variables to read settings from; `process.env` fits, and so does a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** `value` trimmed, or `undefined` when unset or blank (a blank variable means "use the default"). */
export function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `true`/`false` (any case), else `fallback` when unset. */
export function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  const text = present(value)?.toLowerCase();
  if (text === undefined) return fallback;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigurationError(name, JSON.stringify(value), '`true` or `false`');
}

/** An absolute http(s) URL, returned as given. */
export function parseHttpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(name, JSON.stringify(value), 'an absolute http(s) URL such as http://localhost:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(name, JSON.stringify(value), 'an http:// or https:// URL (OTLP/HTTP)');
  }
  return value;
}

/** Parses `value` as an origin (`scheme://host[:port]`) and returns its normalized form. */
export function parseOrigin(name: string, value: string): string {
  const url = new URL(parseHttpUrl(name, value.trim()));
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(name, JSON.stringify(value), 'an origin only (scheme://host[:port]), without path, query or credentials');
  }
  return url.origin;
}

/** `value` when it is one of `allowed`, else a `ConfigurationError` listing them. */
export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new ConfigurationError(name, JSON.stringify(value), `one of ${allowed.join(', ')}`);
  return found;
}

/**
 * The positive-integer rule, for environment text (plain decimal digits only: `Number('')` is 0 and
 * `Number('1e3')` is 1000) and for numbers passed as options.
 */
export function checkPositiveInteger(name: string, value: number | string, max = Number.MAX_SAFE_INTEGER): number {
  const number = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1 || number > max) {
    throw new ConfigurationError(name, typeof value === 'string' ? JSON.stringify(value) : String(value), `a whole number from 1 to ${max}`);
  }
  return number;
}

/**
 * Reads a positive integer setting: the explicit option if given, else the environment variable,
 * else the default. Invalid values (from either source) stop start-up with a message that names
 * the setting, so a mistyped `OTEL_BLRP_MAX_QUEUE_SIZE=20k` is not silently replaced by a default.
 *
 * @throws {ConfigurationError} `<name> is invalid (actual: x), expected a whole number from 1 to <max>`
 */
export function positiveIntegerSetting(
  option: number | undefined,
  optionName: string,
  envName: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
  env: Environment = process.env,
): number {
  if (option !== undefined) return checkPositiveInteger(optionName, option, max);
  const raw = env[envName];
  if (raw === undefined || raw.trim() === '') return fallback;
  return checkPositiveInteger(envName, raw, max);
}
