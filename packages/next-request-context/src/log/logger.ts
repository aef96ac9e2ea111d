import { logs } from '@opentelemetry/api-logs';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';
import { insertRequestFields } from './correlation.js';
import { redactLogObject } from './redact.js';
import type { Environment } from '../settings/rules.js';
import { resolveLogLevel } from './levels.js';
import { createRateLimitedReport, stderrSink } from '../export/rate-limited-report.js';
import type { ReportSink } from '../export/rate-limited-report.js';
import { OTEL_SCOPE_NAME } from './scope.js';
import { ShippingDestination } from './shipping-destination.js';
import type { FlushableDestination } from './shipping-destination.js';

export { OTEL_SCOPE_NAME } from './scope.js';

/** pino options passed through unchanged. */
const PASS_THROUGH = ['name', 'base', 'serializers', 'messageKey', 'errorKey'] as const;

/** Options of {@link createLogger}; everything is optional. */
export interface CreateLoggerOptions extends Pick<LoggerOptions, (typeof PASS_THROUGH)[number]> {
  /**
   * Minimum level written. Default: env `LOG_LEVEL`, else `info`.
   * Unknown levels throw at creation, so a typo stops start-up instead of hiding logs.
   */
  level?: string;
  /**
   * Where JSON lines go. Default: stdout through `pino.destination({ dest: 1, sync: false })`
   * (sonic-boom in this thread, flushed on exit by pino).
   */
  destination?: FlushableDestination;
  /**
   * OTel LoggerProvider every line is also emitted to. Default: the global one from
   * @opentelemetry/api-logs, which is a no-op until the OTel SDK registers a provider (and is
   * picked up as soon as it does, even if this logger was created first). `false`: stdout only.
   */
  loggerProvider?: LoggerProvider | false;
  /** Where "lines could not be shipped" reports go, at most one line per minute. Default: stderr. */
  report?: ReportSink;
  /** Environment `LOG_LEVEL` is read from. Default: `process.env`. */
  env?: Environment;
}

/** Minimum time between two "lines could not be shipped over OTLP" stderr lines. */
const SHIPPING_FAILURE_REPORT_MILLIS = 60_000;

/**
 * Creates the application's pino logger.
 *
 * - Every line written while a request is handled gets `trace_id`, `span_id`, `trace_flags`
 *   (`"01"`) and, when the user is known, `user_id` (see `insertRequestFields`); lines outside a
 *   request get none of them.
 * - Lines are JSON on stdout, written in this thread (no transports or workers); denylisted keys
 *   (`password`, `authorization`, `cookie`, `token`, … and `REQUEST_CONTEXT_REDACT_KEYS`) are
 *   `[REDACTED]` at the top level and one level down, in the line and the OTLP record.
 * - Every line is also emitted as an OTel LogRecord (see `toOtelLogRecord`) whose traceId/spanId
 *   are the request's, through the OTel LoggerProvider; emitting never throws into the caller.
 *
 * Transports, `timestamp` and `hooks` are not configurable on purpose: the correlation fields and
 * the OTLP record depend on them.
 *
 * @throws {ConfigurationError} when the level (option or `LOG_LEVEL`) is not a pino level.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const level =
    options.level !== undefined ? resolveLogLevel(options.level, 'level option') : resolveLogLevel(env.LOG_LEVEL, 'LOG_LEVEL');
  const stdout = options.destination ?? pino.destination({ dest: 1, sync: false });
  const shipping = options.loggerProvider === false ? undefined : shippingDestination(stdout, options);
  // With shipping, its hook: the request found for the line is reused for its LogRecord.
  const streamWrite = shipping === undefined ? insertRequestFields : (line: string) => shipping.insertRequestFields(line);
  return pino({ ...passThrough(options), level, formatters: { log: redactLogObject }, hooks: { streamWrite } }, shipping ?? stdout);
}

/** The pino options the caller may set, without undefined keys: pino's Object.assign would let them erase its defaults. */
function passThrough(options: CreateLoggerOptions): LoggerOptions {
  const picked: LoggerOptions = {};
  for (const key of PASS_THROUGH) if (options[key] !== undefined) Object.assign(picked, { [key]: options[key] });
  return picked;
}

function shippingDestination(stdout: FlushableDestination, options: CreateLoggerOptions): ShippingDestination {
  const provider = options.loggerProvider || logs.getLoggerProvider();
  const otelLogger = provider.getLogger(OTEL_SCOPE_NAME);
  const shipping: ShippingDestination = new ShippingDestination(
    stdout,
    otelLogger,
    createRateLimitedReport(
      SHIPPING_FAILURE_REPORT_MILLIS,
      () => `[log] ${shipping.failures} log lines could not be emitted as OTel LogRecords so far (last error: ${String(shipping.lastFailure)})`,
      options.report ?? stderrSink,
    ),
    !options.loggerProvider,
  );
  return shipping;
}

/**
 * The application logger: `createLogger()` with defaults (level from `LOG_LEVEL`, stdout, global
 * OTel LoggerProvider). Created on first import; an invalid `LOG_LEVEL` throws there.
 */
export const logger: Logger = createLogger();

export default logger;
