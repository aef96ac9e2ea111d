import type { SpanContext } from '@opentelemetry/api';
import type { LogRecord } from '@opentelemetry/api-logs';
import { millisToHrTime } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { Environment } from '../settings/rules.js';

/** Where the logger may put its records without the SDK's Logger, and what every record carries there. */
export interface DirectLogRoute {
  /** The resource and scope the SDK gave the first record of the logger's scope. */
  readonly resource: ReadableLogRecord['resource'];
  readonly instrumentationScope: ReadableLogRecord['instrumentationScope'];
  /** Queues a finished record, as the SDK's Logger would have after building it. */
  add(record: ReadableLogRecord): void;
}

/** The SDK's LogRecord limits from the environment: the direct route does not apply them, so any of them keeps it off. */
const LIMIT_VARIABLES = [
  'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
] as const;

/** The SDK's default attribute count limit; a record with more keys goes through the SDK, which drops and counts them. */
export const DIRECT_MAX_ATTRIBUTES = 128;

/**
 * The route, per process on `globalThis`: Next.js may bundle this module separately into
 * instrumentation.ts (which sets it up) and the server code that logs.
 */
const ROUTE = Symbol.for('next-request-context.direct-log-route');
const holder = globalThis as { [ROUTE]?: DirectLogRoute };

/**
 * The route the global logger's records may take, once known; `undefined` before the first record
 * of `scopeName` reached the processor `routeLogsDirectly` wrapped, or when it was never set up.
 */
export function directLogRoute(): DirectLogRoute | undefined {
  return holder[ROUTE];
}

/**
 * Wraps `pipeline`, the only LogRecordProcessor of the SDK that `register()` builds, so that the
 * library's logger can hand it finished records itself: the SDK's Logger builds every record as a
 * `LogRecordImpl` (two time conversions, the span context validated again, each attribute
 * validated and copied), about half of what shipping a line costs. The records are the same:
 * resource and scope are taken from the first record of `scopeName` the SDK passes through here
 * (which also proves that the global LoggerProvider is the one feeding `pipeline`); until then,
 * and whenever any `OTEL_*ATTRIBUTE*_LIMIT` variable is set, every record goes through the SDK.
 * A route learned before (by an earlier SDK) is forgotten here.
 */
export function routeLogsDirectly(pipeline: LogRecordProcessor, scopeName: string, env: Environment = process.env): LogRecordProcessor {
  holder[ROUTE] = undefined;
  if (LIMIT_VARIABLES.some((name) => env[name]?.trim())) return pipeline;
  let learned = false;
  return {
    onEmit(record: SdkLogRecord, context) {
      if (!learned && record.instrumentationScope.name === scopeName) {
        learned = true;
        const { resource, instrumentationScope } = record;
        // The pipeline's onEmit queues the record as it is and reads it as a ReadableLogRecord only.
        holder[ROUTE] = { resource, instrumentationScope, add: (direct) => pipeline.onEmit(direct as SdkLogRecord) };
      }
      pipeline.onEmit(record, context);
    },
    forceFlush: () => pipeline.forceFlush(),
    shutdown: () => pipeline.shutdown(),
  };
}

/**
 * The record the SDK's Logger would build from `record` (see `toOtelLogRecord`: epoch-millisecond
 * timestamps, attributes already valid log attribute values), or `undefined` when only the SDK can
 * build it: more attributes than its default limit, or an empty key (which the SDK drops).
 * `spanContext` is the valid span context of `record.context`, if any.
 */
export function directRecord(record: LogRecord, spanContext: SpanContext | undefined, via: DirectLogRoute): ReadableLogRecord | undefined {
  const attributes = record.attributes ?? {};
  let count = 0;
  for (const key in attributes) if (key === '' || ++count > DIRECT_MAX_ATTRIBUTES) return undefined;
  const hrTime = millisToHrTime(record.timestamp as number);
  return {
    hrTime,
    hrTimeObserved: hrTime, // toOtelLogRecord observes each line at its own time
    spanContext,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    eventName: record.eventName,
    resource: via.resource,
    instrumentationScope: via.instrumentationScope,
    attributes,
    droppedAttributesCount: 0,
  };
}
