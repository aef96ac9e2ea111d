/**
 * Field tables for the OTLP request messages we receive, transcribed from
 * open-telemetry/opentelemetry-proto (common/v1, resource/v1, trace/v1, logs/v1 and the
 * collector service protos). Property names are the OTLP JSON names so the protobuf and JSON
 * paths share one normalizer. Repeated fields carry the per-request element limits (limits.ts),
 * counted while decoding; spans and log records are decoded lazily, one at a time (decode-proto.ts).
 */
import { defineMessage } from '../protobuf/schema.js';
import type { MessageSpec } from '../protobuf/schema.js';
import { REQUEST_LIMITS } from './limits.js';

const { attributes: ATTRIBUTES, eventsAndLinks: EVENTS_AND_LINKS, items: ITEMS, resourceGroups: RESOURCE_GROUPS, scopeGroups: SCOPE_GROUPS } = REQUEST_LIMITS;

export const AnyValue: MessageSpec = defineMessage('AnyValue', {
  1: { name: 'stringValue', kind: 'string' },
  2: { name: 'boolValue', kind: 'bool' },
  3: { name: 'intValue', kind: 'int64' },
  4: { name: 'doubleValue', kind: 'double' },
  5: { name: 'arrayValue', kind: 'message', message: () => ArrayValue },
  6: { name: 'kvlistValue', kind: 'message', message: () => KeyValueList },
  7: { name: 'bytesValue', kind: 'bytes' },
});

export const ArrayValue: MessageSpec = defineMessage('ArrayValue', {
  1: { name: 'values', kind: 'message', repeated: true, message: () => AnyValue, limit: ATTRIBUTES },
});

export const KeyValue: MessageSpec = defineMessage('KeyValue', {
  1: { name: 'key', kind: 'string' },
  2: { name: 'value', kind: 'message', message: () => AnyValue },
});

export const KeyValueList: MessageSpec = defineMessage('KeyValueList', {
  1: { name: 'values', kind: 'message', repeated: true, message: () => KeyValue, limit: ATTRIBUTES },
});

const attributes = (fieldNumber: number) => ({
  [fieldNumber]: { name: 'attributes', kind: 'message', repeated: true, message: () => KeyValue, limit: ATTRIBUTES },
}) as const;

export const InstrumentationScope: MessageSpec = defineMessage('InstrumentationScope', {
  1: { name: 'name', kind: 'string' },
  2: { name: 'version', kind: 'string' },
  ...attributes(3),
  4: { name: 'droppedAttributesCount', kind: 'uint32' },
});

export const Resource: MessageSpec = defineMessage('Resource', {
  ...attributes(1),
  2: { name: 'droppedAttributesCount', kind: 'uint32' },
});

export const Status: MessageSpec = defineMessage('Status', {
  2: { name: 'message', kind: 'string' },
  3: { name: 'code', kind: 'enum' },
});

export const SpanEvent: MessageSpec = defineMessage('Span.Event', {
  1: { name: 'timeUnixNano', kind: 'fixed64' },
  2: { name: 'name', kind: 'string' },
  ...attributes(3),
  4: { name: 'droppedAttributesCount', kind: 'uint32' },
});

export const SpanLink: MessageSpec = defineMessage('Span.Link', {
  1: { name: 'traceId', kind: 'bytes' },
  2: { name: 'spanId', kind: 'bytes' },
  3: { name: 'traceState', kind: 'string' },
  ...attributes(4),
  5: { name: 'droppedAttributesCount', kind: 'uint32' },
  6: { name: 'flags', kind: 'fixed32' },
});

export const Span: MessageSpec = defineMessage('Span', {
  1: { name: 'traceId', kind: 'bytes' },
  2: { name: 'spanId', kind: 'bytes' },
  3: { name: 'traceState', kind: 'string' },
  4: { name: 'parentSpanId', kind: 'bytes' },
  5: { name: 'name', kind: 'string' },
  6: { name: 'kind', kind: 'enum' },
  7: { name: 'startTimeUnixNano', kind: 'fixed64' },
  8: { name: 'endTimeUnixNano', kind: 'fixed64' },
  ...attributes(9),
  10: { name: 'droppedAttributesCount', kind: 'uint32' },
  11: { name: 'events', kind: 'message', repeated: true, message: () => SpanEvent, limit: EVENTS_AND_LINKS },
  12: { name: 'droppedEventsCount', kind: 'uint32' },
  13: { name: 'links', kind: 'message', repeated: true, message: () => SpanLink, limit: EVENTS_AND_LINKS },
  14: { name: 'droppedLinksCount', kind: 'uint32' },
  15: { name: 'status', kind: 'message', message: () => Status },
  16: { name: 'flags', kind: 'fixed32' },
});

export const ScopeSpans: MessageSpec = defineMessage('ScopeSpans', {
  1: { name: 'scope', kind: 'message', message: () => InstrumentationScope },
  2: { name: 'spans', kind: 'message', repeated: true, message: () => Span, limit: ITEMS, lazy: true },
  3: { name: 'schemaUrl', kind: 'string' },
});

export const ResourceSpans: MessageSpec = defineMessage('ResourceSpans', {
  1: { name: 'resource', kind: 'message', message: () => Resource },
  2: { name: 'scopeSpans', kind: 'message', repeated: true, message: () => ScopeSpans, limit: SCOPE_GROUPS },
  3: { name: 'schemaUrl', kind: 'string' },
  // 1000 (deprecated instrumentation_library_spans) is skipped as an unknown field.
});

export const ExportTraceServiceRequest: MessageSpec = defineMessage('ExportTraceServiceRequest', {
  1: { name: 'resourceSpans', kind: 'message', repeated: true, message: () => ResourceSpans, limit: RESOURCE_GROUPS },
});

export const LogRecord: MessageSpec = defineMessage('LogRecord', {
  1: { name: 'timeUnixNano', kind: 'fixed64' },
  11: { name: 'observedTimeUnixNano', kind: 'fixed64' },
  2: { name: 'severityNumber', kind: 'enum' },
  3: { name: 'severityText', kind: 'string' },
  5: { name: 'body', kind: 'message', message: () => AnyValue },
  ...attributes(6),
  7: { name: 'droppedAttributesCount', kind: 'uint32' },
  8: { name: 'flags', kind: 'fixed32' },
  9: { name: 'traceId', kind: 'bytes' },
  10: { name: 'spanId', kind: 'bytes' },
  12: { name: 'eventName', kind: 'string' },
});

export const ScopeLogs: MessageSpec = defineMessage('ScopeLogs', {
  1: { name: 'scope', kind: 'message', message: () => InstrumentationScope },
  2: { name: 'logRecords', kind: 'message', repeated: true, message: () => LogRecord, limit: ITEMS, lazy: true },
  3: { name: 'schemaUrl', kind: 'string' },
});

export const ResourceLogs: MessageSpec = defineMessage('ResourceLogs', {
  1: { name: 'resource', kind: 'message', message: () => Resource },
  2: { name: 'scopeLogs', kind: 'message', repeated: true, message: () => ScopeLogs, limit: SCOPE_GROUPS },
  3: { name: 'schemaUrl', kind: 'string' },
});

export const ExportLogsServiceRequest: MessageSpec = defineMessage('ExportLogsServiceRequest', {
  1: { name: 'resourceLogs', kind: 'message', repeated: true, message: () => ResourceLogs, limit: RESOURCE_GROUPS },
});
