import { SeverityNumber } from '@opentelemetry/api-logs';
import type { LevelWithSilent } from 'pino';
import { oneOf } from '../settings/rules.js';

/** The level names pino knows, lowest first; `silent` turns logging off. */
export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Returns `value` as a pino level, `fallback` when it is undefined or empty.
 *
 * @param source what the value came from, for the error message (`LOG_LEVEL`, `level option`).
 * @throws {ConfigurationError} when the value is not one of {@link LOG_LEVELS}: a typo in the environment
 * must stop the server at start-up, not silently log at the wrong level.
 */
export function resolveLogLevel(value: string | undefined, source: string, fallback: LevelWithSilent = 'info'): LevelWithSilent {
  if (value === undefined || value === '') return fallback;
  return oneOf(source, value, LOG_LEVELS);
}

/** OTel severity for pino's built-in level numbers (the same mapping as @opentelemetry/instrumentation-pino). */
const SEVERITY_BY_PINO_LEVEL: Readonly<Record<number, SeverityNumber>> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

/**
 * Maps a pino level number to an OTel severity number. Custom levels between the built-in ones
 * land on the numbered sub-levels (a level of 35 becomes INFO3), so ordering is preserved.
 */
export function severityFromPinoLevel(level: number): SeverityNumber {
  const exact = SEVERITY_BY_PINO_LEVEL[level];
  if (exact !== undefined) return exact;
  // pino's range 10..69 spread over OTel's 1..24: every 10 pino units are one OTel block of 4.
  const scaled = Math.floor(((level - 10) * 4) / 10) + SeverityNumber.TRACE;
  return Math.min(SeverityNumber.FATAL4, Math.max(SeverityNumber.TRACE, scaled));
}
