/**
 * Query-parameter parsing shared by the Jaeger and viewer APIs. Every parser throws a 400
 * {@link HttpError} naming the parameter, the actual value and what was expected.
 */
import { HttpError } from './respond.js';

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;

function malformed(name: string, value: string, expected: string): HttpError {
  return new HttpError(400, `malformed parameter ${name} (actual: ${JSON.stringify(value.slice(0, 100))}), expected ${expected}`);
}

/** Parses a Go-style duration (`1.5ms`, `250us`, `1m30s`) into nanoseconds. */
export function parseDuration(name: string, value: string): bigint {
  const expected = 'a duration such as 1.5ms, 250us, 2s or 1m30s';
  if (!value) throw malformed(name, value, expected);
  DURATION_PART.lastIndex = 0;
  let total = 0n;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = DURATION_PART.exec(value)) !== null) {
    const [whole, number, unit] = match;
    const [integer = '0', fraction = ''] = number!.split('.');
    const scale = DURATION_UNITS[unit!]!;
    // Exact decimal arithmetic: integer part times unit, plus the fraction scaled down.
    const fractionDigits = fraction.slice(0, 18);
    const fractionNanos = fractionDigits ? (BigInt(fractionDigits) * scale) / 10n ** BigInt(fractionDigits.length) : 0n;
    total += BigInt(integer || '0') * scale + fractionNanos;
    consumed += whole.length;
  }
  if (consumed !== value.length) throw malformed(name, value, expected);
  return total;
}

/**
 * Parses an RFC 3339 timestamp (with optional fractional seconds up to ns) into nanoseconds since the epoch.
 * A space before the offset is read as `+`: Grafana puts times into the query unencoded, so `+02:00` arrives as ` 02:00`.
 */
export function parseRfc3339(name: string, value: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+ -]\d{2}:\d{2})$/.exec(value);
  const millis = match ? Date.parse(`${match[1]!.replace(/[t ]/, 'T')}${match[3]!.toUpperCase().replace(' ', '+')}`) : NaN;
  if (!match || Number.isNaN(millis)) throw malformed(name, value, 'an RFC 3339 time such as 2024-05-01T12:00:00Z');
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return BigInt(millis) * 1_000_000n + BigInt(fraction);
}

/** Parses a non-negative integer within bounds. */
export function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw malformed(name, value, `an integer from ${min} to ${max}`);
  }
  return number;
}

/** Parses an on/off parameter: `1`/`true` or `0`/`false`. */
export function parseFlag(name: string, value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw malformed(name, value, '1, true, 0 or false');
}

/** Parses a non-negative decimal number (e.g. milliseconds `1.5`) and scales it to nanoseconds. */
export function parseScaledNumber(name: string, value: string, nanosPerUnit: bigint, unitName: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (!match) throw malformed(name, value, `a non-negative number of ${unitName}`);
  const fraction = match[2] ?? '';
  return BigInt(match[1]!) * nanosPerUnit + (fraction ? (BigInt(fraction) * nanosPerUnit) / 10n ** BigInt(fraction.length) : 0n);
}

/** Parses `key=value` / `key:value` pairs or a JSON object of string values into attribute filters. */
export function parseAttributeFilters(name: string, values: string[]): Array<[string, string]> {
  const filters: Array<[string, string]> = [];
  for (const value of values) {
    if (value.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw malformed(name, value, 'a JSON object of attribute values, e.g. {"http.method":"GET"}');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw malformed(name, value, 'a JSON object of attribute values, e.g. {"http.method":"GET"}');
      }
      for (const [key, attributeValue] of Object.entries(parsed)) filters.push([key, String(attributeValue)]);
      continue;
    }
    const separator = value.search(/[=:]/);
    if (separator <= 0) throw malformed(name, value, 'key=value');
    filters.push([value.slice(0, separator), value.slice(separator + 1)]);
  }
  return filters;
}
