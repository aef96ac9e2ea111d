/**
 * The rules every collector setting is checked with, each written once. All throw
 * {@link ConfigurationError} naming the setting, the actual value and what was expected.
 */
import { ConfigurationError } from './error.js';

/** Environment variables to read settings from; `process.env` fits, and so does a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Bounds of a numeric setting. `expected` replaces the generic "a number from min to max" wording. */
export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
  expected?: string;
}

/** A number within bounds (an integer when `integer`). Returns `value`. */
export function checkNumber(setting: string, value: number, rule: NumberRule): number {
  const { min, max, integer = false } = rule;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ConfigurationError(setting, String(value), rule.expected ?? `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** A TCP port to listen on; 0 picks a free one. */
export function checkPort(setting: string, value: number): number {
  return checkNumber(setting, value, { min: 0, max: 65535, integer: true, expected: 'a TCP port, an integer from 0 to 65535 (0 = any free port)' });
}

/** A non-empty string. Returns `value`. */
export function checkNonEmpty(setting: string, value: string, expected: string): string {
  if (!value) throw new ConfigurationError(setting, JSON.stringify(value), expected);
  return value;
}

/** Environment text as a number; undefined when unset or blank (blank means "use the default"). */
export function parseNumber(setting: string, text: string | undefined, example: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ConfigurationError(setting, JSON.stringify(text), `a number, e.g. ${setting}=${example}`);
  return value;
}
