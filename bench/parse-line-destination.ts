import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import type { LogAttributes, Logger as OtelLogger } from '@opentelemetry/api-logs';
import { severityFromPinoLevel } from '../packages/next-request-context/src/log/levels';

/**
 * The alternative to src/log's metadata destination, for comparison only: re-parse every JSON
 * line and emit it (what @opentelemetry/instrumentation-pino's log sending does). Same record
 * shape as far as a flat line allows; the trace context comes from the active context.
 */
export function parseLineDestination(inner: { write(line: string): void }, otelLogger: OtelLogger): { write(line: string): void } {
  return {
    write(line) {
      inner.write(line);
      const { time, level, msg, trace_id, span_id, trace_flags, pid, hostname, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const attributes: LogAttributes = {};
      for (const key in rest) {
        const value = rest[key];
        attributes[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as string);
      }
      otelLogger.emit({
        timestamp: time as number,
        observedTimestamp: time as number,
        severityNumber: severityFromPinoLevel(level as number),
        body: msg as string,
        attributes,
        context: trace_id === undefined ? ROOT_CONTEXT : context.active(),
      });
    },
  };
}
