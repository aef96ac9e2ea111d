import { context } from '@opentelemetry/api';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { correlationFor, withRequestFields } from './correlation.js';
import type { Correlation } from './correlation.js';
import { directLogRoute, directRecord } from './direct-route.js';
import { toOtelLogRecord } from './otel-record.js';
import type { PinoLineMetadata } from './otel-record.js';
import type { RateLimitedReport } from '../export/rate-limited-report.js';

/** A pino destination that may also support pino's optional flush hooks (sonic-boom does). */
export type FlushableDestination = DestinationStream & {
  flush?: (cb?: (err?: Error | null) => void) => void;
  flushSync?: () => void;
  end?: () => void;
};

/** pino hands a destination with this key set the log object before each write (see `pino.multistream`). */
const PINO_METADATA: unique symbol = Symbol.for('pino.metadata');

/**
 * A pino destination that writes each JSON line to `inner` and emits the same line as an OTel
 * LogRecord through `otelLogger`, in the logging thread (no worker transport: those break under
 * Next.js bundling and keep the process from exiting).
 *
 * It sets `Symbol.for('pino.metadata')`, so pino hands it the log object, message, level and
 * logger before each `write` (the mechanism `pino.multistream` uses): the record is built from
 * those rather than by re-parsing the line.
 *
 * Shipping never throws into the caller: a failure is counted and reported through `failures`,
 * and the stdout line is written regardless.
 */
export class ShippingDestination implements PinoLineMetadata {
  readonly [PINO_METADATA] = true;
  lastLevel = 0;
  lastObj: object = {};
  lastMsg: string | undefined = undefined;
  lastTime = '';
  lastLogger: PinoLogger | undefined = undefined;
  /** Lines that could not be turned into a LogRecord or emitted. */
  failures = 0;
  /** The most recent such failure. */
  lastFailure: unknown = undefined;

  constructor(
    private readonly inner: FlushableDestination,
    private readonly otelLogger: OtelLogger,
    private readonly failureReport: RateLimitedReport,
    /** Whether `otelLogger` is the global provider's: only then may records take the direct route. */
    private readonly viaGlobalProvider = false,
  ) {}

  /** The request the line being written belongs to, as `insertRequestFields` found it; `null` when not looked up yet. */
  private correlation: Correlation | undefined | null = null;

  /**
   * pino `hooks.streamWrite` for a logger writing here: `insertRequestFields`, remembering the
   * request it found for the `write` that follows (pino calls both in the same log call).
   */
  insertRequestFields(line: string): string {
    this.correlation = correlationFor(context.active());
    return withRequestFields(line, this.correlation);
  }

  write(line: string): void {
    this.inner.write(line);
    try {
      // write() runs inside the log call, so the active context is the caller's.
      const correlation = this.correlation === null ? correlationFor(context.active()) : this.correlation;
      this.correlation = null;
      const record = toOtelLogRecord(this, correlation);
      const route = this.viaGlobalProvider ? directLogRoute() : undefined;
      const direct = route && directRecord(record, correlation?.spanContext, route);
      if (direct) route.add(direct);
      else this.otelLogger.emit(record);
    } catch (error) {
      this.failures++;
      this.lastFailure = error;
      this.failureReport.note();
    }
  }

  flush(cb?: (err?: Error | null) => void): void {
    if (typeof this.inner.flush === 'function') this.inner.flush(cb);
    else cb?.();
  }

  flushSync(): void {
    this.inner.flushSync?.();
  }

  end(): void {
    this.inner.end?.();
  }
}
