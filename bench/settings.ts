/** Benchmark settings read from the environment. */

/**
 * The positive number in environment variable `name` (a whole one when `integer`), or `fallback`
 * when it is unset or blank. Anything else throws `NAME is invalid (actual: x), expected ...`.
 */
export function positiveNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`${name} is invalid (actual: ${raw}), expected a positive ${integer ? 'integer' : 'number'}`);
  return value;
}
