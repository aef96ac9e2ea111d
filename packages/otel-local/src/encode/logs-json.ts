/**
 * Renders stored log records as OTLP JSON `resourceLogs` (the viewer API's export), exact: the
 * event time as received (`0` when it had none), the observed time, typed body and attributes
 * spliced in as their stored canonical JSON, flags and the dropped count.
 */
import type { LogRow, TelemetryQueries } from '../store/query.js';
import { renderResourceGroups } from './spans-json.js';

/** Groups log records by resource and scope and renders each group as one `ResourceLogs` JSON text. */
export function renderResourceLogs(queries: TelemetryQueries, logs: readonly LogRow[]): string[] {
  return renderResourceGroups(queries, logs, 'scopeLogs', 'logRecords', renderLogRecord);
}

/** Renders one log record as OTLP JSON text. */
export function renderLogRecord(log: LogRow): string {
  let json = `{"timeUnixNano":"${log.eventTimeUnixNano}","observedTimeUnixNano":"${log.observedTimeUnixNano}"`;
  if (log.severityNumber) json += `,"severityNumber":${log.severityNumber}`;
  if (log.severityText) json += `,"severityText":${JSON.stringify(log.severityText)}`;
  if (log.bodyJson) json += `,"body":${log.bodyJson}`;
  json += `,"attributes":${log.attributesJson}`;
  if (log.droppedAttributesCount) json += `,"droppedAttributesCount":${log.droppedAttributesCount}`;
  if (log.flags) json += `,"flags":${log.flags}`;
  if (log.traceId) json += `,"traceId":"${log.traceId}"`;
  if (log.spanId) json += `,"spanId":"${log.spanId}"`;
  if (log.eventName) json += `,"eventName":${JSON.stringify(log.eventName)}`;
  return `${json}}`;
}
