/**
 * The legacy Jaeger query JSON API (the subset Grafana's Jaeger data source uses), in Jaeger's
 * `{"data", "total", "limit", "offset", "errors"}` envelope with Jaeger's trace model
 * (microsecond times, typed tags, processes).
 */
import type { JaegerEnvelope } from '../api/viewer-types.js';
import { parseAttributeFilters, parseDuration, parseInteger, parseScaledNumber } from '../http/params.js';
import { HttpError, sendJson } from '../http/respond.js';
import { optionalQuery, queryValue, queryValues, route } from '../http/router.js';
import type { Route } from '../http/router.js';
import type { AnyValue, KeyValue, SpanEventModel, SpanLinkModel } from '../otlp/model.js';
import { SPAN_KIND_NAMES, STATUS_CODE_ERROR, STATUS_CODE_NAMES } from '../otlp/model.js';
import { toPlainValue } from '../otlp/values.js';
import type { SpanRow, TelemetryQueries } from '../store/query.js';
import { jaegerTraceIdText, parseJaegerTraceId } from './trace-id.js';

/** A Jaeger tag / log field. */
export interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | number | boolean;
}

/** Jaeger's `defaultQueryLimit` (cmd/jaeger/.../jaegerquery/internal/query_parser.go). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_500;
const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_MILLI = 1_000_000n;
const DEFAULT_DEPENDENCY_LOOKBACK_NS = 24n * 3_600_000_000_000n;

/** Jaeger's message for an unknown trace (spanstore.ErrTraceNotFound). */
const TRACE_NOT_FOUND = 'trace not found';

/** Wraps results in Jaeger's structured response (`total` is what Jaeger sets: the count for services and operations, else 0). */
function envelope<T>(data: T, total: number, errors: JaegerEnvelope<T>['errors'] = null): string {
  const body: JaegerEnvelope<T> = { data, total, limit: 0, offset: 0, errors };
  return JSON.stringify(body);
}

/** Jaeger's error envelope, plus API.md's `error` object. */
function legacyError(status: number, message: string): unknown {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: status, msg: message }], error: { code: status, message } };
}

/** Routes of the legacy `/api/*` Jaeger endpoints. */
export function jaegerLegacyRoutes(queries: TelemetryQueries): Route[] {
  return [
    route(/^\/api\/services\/?$/, ({ response }) => {
      const services = queries.services();
      sendJson(response, 200, envelope(services, services.length));
    }, legacyError),
    route(/^\/api\/services\/([^/]+)\/operations\/?$/, ({ params, response }) => {
      const names = [...new Set(queries.operations(params[0]!).map((operation) => operation.name))];
      sendJson(response, 200, envelope(names, names.length));
    }, legacyError),
    route(/^\/api\/operations\/?$/, ({ url, response }) => {
      const service = queryValue(url, 'service');
      if (!service) throw new HttpError(400, "parameter 'service' is required");
      const kindName = queryValue(url, 'spanKind');
      const kind = kindName === undefined ? undefined : SPAN_KIND_NAMES.indexOf(kindName as (typeof SPAN_KIND_NAMES)[number]);
      if (kind === -1) throw new HttpError(400, `malformed parameter spanKind (actual: ${JSON.stringify(kindName)}), expected one of ${SPAN_KIND_NAMES.join(', ')}`);
      const operations = queries.operations(service, kind).map((operation) => ({ name: operation.name, spanKind: SPAN_KIND_NAMES[operation.kind] ?? '' }));
      sendJson(response, 200, envelope(operations, operations.length));
    }, legacyError),
    // Trace answers carry total 0 and dependency answers too, as Jaeger's handler leaves them unset.
    route(/^\/api\/traces\/([^/]+)\/?$/, ({ params, response }) => {
      const traceId = parseJaegerTraceId(params[0]!, 'traceID');
      const spans = queries.traceSpans(traceId);
      if (spans.length === 0) throw new HttpError(404, TRACE_NOT_FOUND);
      sendJson(response, 200, envelope([toJaegerTrace(queries, traceId, spans)], 0));
    }, legacyError),
    route(/^\/api\/traces\/?$/, ({ url, response }) => {
      const explicitIds = queryValues(url, 'traceID').map((id) => parseJaegerTraceId(id, 'traceID'));
      const traceIds = explicitIds.length ? [...new Set(explicitIds)] : searchTraceIds(queries, url);
      const traces = traceIds.map((traceId) => toJaegerTrace(queries, traceId, queries.traceSpans(traceId))).filter((trace) => trace.spans.length > 0);
      // Like Jaeger: a requested id that was not found is an entry in `errors`, the others are answered.
      const found = new Set(traces.map((trace) => trace.traceID));
      const missing = traceIds.map(jaegerTraceIdText).filter((traceId) => !found.has(traceId));
      const errors = explicitIds.length && missing.length ? missing.map((traceId) => ({ msg: TRACE_NOT_FOUND, traceID: traceId })) : null;
      sendJson(response, 200, envelope(traces, 0, errors));
    }, legacyError),
    route(/^\/api\/dependencies\/?$/, ({ url, response }) => {
      const endNs = (optionalQuery(url, 'endTs', (name, value) => parseScaledNumber(name, value, NANOS_PER_MILLI, 'milliseconds since the epoch')) ??
        BigInt(Date.now()) * NANOS_PER_MILLI);
      const lookbackNs = optionalQuery(url, 'lookback', (name, value) => parseScaledNumber(name, value, NANOS_PER_MILLI, 'milliseconds')) ?? DEFAULT_DEPENDENCY_LOOKBACK_NS;
      const links = queries.dependencies(endNs > lookbackNs ? endNs - lookbackNs : 0n, endNs);
      sendJson(response, 200, envelope(links, 0));
    }, legacyError),
  ];
}

/** Applies Jaeger's search parameters (`traceID=` parameters are handled by the caller). */
function searchTraceIds(queries: TelemetryQueries, url: URL): string[] {
  const service = queryValue(url, 'service');
  if (!service) throw new HttpError(400, "parameter 'service' is required");
  const micros = (name: string, value: string) => parseScaledNumber(name, value, NANOS_PER_MICRO, 'microseconds since the epoch');
  const endNs = optionalQuery(url, 'end', micros);
  let startNs = optionalQuery(url, 'start', micros);
  const lookback = queryValue(url, 'lookback');
  if (startNs === undefined && lookback && lookback !== 'custom') {
    const lookbackNs = parseLookback(lookback);
    const end = endNs ?? BigInt(Date.now()) * NANOS_PER_MILLI;
    startNs = end > lookbackNs ? end - lookbackNs : 0n;
  }
  const tags = [...queryValues(url, 'tags'), ...queryValues(url, 'tag')];
  return queries.findTraceIds({
    service,
    operation: queryValue(url, 'operation'),
    startMinNs: startNs,
    startMaxNs: endNs,
    durationMinNs: optionalQuery(url, 'minDuration', parseDuration),
    durationMaxNs: optionalQuery(url, 'maxDuration', parseDuration),
    attributes: parseAttributeFilters('tags', tags),
    limit: optionalQuery(url, 'limit', (name, value) => parseInteger(name, value, 1, MAX_LIMIT)) ?? DEFAULT_LIMIT,
  });
}

/** Jaeger UI lookbacks are Go durations plus days (`2d`). */
function parseLookback(value: string): bigint {
  const days = /^(\d+)d$/.exec(value);
  if (days) return BigInt(days[1]!) * 24n * 3_600_000_000_000n;
  return parseDuration('lookback', value);
}

/** Converts the stored spans of one trace to Jaeger's JSON trace model. */
export function toJaegerTrace(queries: TelemetryQueries, traceId: string, spans: readonly SpanRow[]) {
  const processIds = new Map<number, string>();
  const processes: Record<string, { serviceName: string; tags: JaegerTag[] }> = {};
  const jaegerSpans = spans.map((span) => {
    let processId = processIds.get(span.resourceId);
    if (!processId) {
      processId = `p${processIds.size + 1}`;
      processIds.set(span.resourceId, processId);
      const resource = queries.resource(span.resourceId);
      processes[processId] = {
        serviceName: resource.serviceName,
        tags: resource.attributes.filter((attribute) => attribute.key !== 'service.name').map(toJaegerTag),
      };
    }
    return toJaegerSpan(queries, span, processId);
  });
  return { traceID: jaegerTraceIdText(traceId), spans: jaegerSpans, processes, warnings: null };
}

function toJaegerSpan(queries: TelemetryQueries, span: SpanRow, processID: string) {
  const references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }> = [];
  const traceID = jaegerTraceIdText(span.traceId);
  if (span.parentSpanId) references.push({ refType: 'CHILD_OF', traceID, spanID: span.parentSpanId });
  const links = span.linksJson ? (JSON.parse(span.linksJson) as SpanLinkModel[]) : [];
  for (const link of links) references.push({ refType: 'FOLLOWS_FROM', traceID: jaegerTraceIdText(link.traceId), spanID: link.spanId });
  const events = span.eventsJson ? (JSON.parse(span.eventsJson) as SpanEventModel[]) : [];
  return {
    traceID,
    spanID: span.spanId,
    // Omitted when 0, as Jaeger's UI model does (`flags,omitempty`).
    ...(span.flags & 0xff ? { flags: span.flags & 0xff } : {}),
    operationName: span.name,
    references,
    startTime: nanosToMicros(span.startTimeUnixNano),
    duration: nanosToMicros(span.durationNano),
    // Jaeger's OTLP translator order: scope tags, the attributes, then the tags derived from span fields.
    tags: [...scopeTags(queries, span), ...(JSON.parse(span.attributesJson) as KeyValue[]).map(toJaegerTag), ...derivedTags(span)],
    logs: events.map((event) => ({
      timestamp: nanosToMicros(event.timeUnixNano),
      fields: [...(event.name ? [{ key: 'event', type: 'string', value: event.name } as JaegerTag] : []), ...event.attributes.map(toJaegerTag)],
    })),
    processID,
    warnings: null,
  };
}

/** The instrumentation scope as tags (first in Jaeger's OTLP translator). */
function scopeTags(queries: TelemetryQueries, span: SpanRow): JaegerTag[] {
  const tags: JaegerTag[] = [];
  const scope = queries.scope(span.scopeId);
  if (scope.name) tags.push({ key: 'otel.scope.name', type: 'string', value: scope.name });
  if (scope.version) tags.push({ key: 'otel.scope.version', type: 'string', value: scope.version });
  return tags;
}

/** Tags Jaeger derives from OTLP span fields (as its OTLP translator does, in its order). */
function derivedTags(span: SpanRow): JaegerTag[] {
  const tags: JaegerTag[] = [];
  const kind = SPAN_KIND_NAMES[span.kind];
  // Like Jaeger's OTLP translator: every kind but UNSPECIFIED, INTERNAL included.
  if (kind && kind !== 'unspecified') tags.push({ key: 'span.kind', type: 'string', value: kind });
  if (span.statusCode !== 0) {
    tags.push({ key: 'otel.status_code', type: 'string', value: (STATUS_CODE_NAMES[span.statusCode] ?? 'unset').toUpperCase() });
  }
  if (span.statusCode === STATUS_CODE_ERROR) tags.push({ key: 'error', type: 'bool', value: true });
  if (span.statusMessage) tags.push({ key: 'otel.status_description', type: 'string', value: span.statusMessage });
  if (span.traceState) tags.push({ key: 'w3c.tracestate', type: 'string', value: span.traceState });
  return tags;
}

/** Converts an attribute to a typed Jaeger tag; composite values become JSON strings. */
export function toJaegerTag({ key, value }: KeyValue): JaegerTag {
  return { key, ...typedValue(value) };
}

function typedValue(value: AnyValue): Omit<JaegerTag, 'key'> {
  if ('stringValue' in value) return { type: 'string', value: value.stringValue };
  if ('boolValue' in value) return { type: 'bool', value: value.boolValue };
  if ('intValue' in value) {
    const number = Number(value.intValue);
    return { type: 'int64', value: Number.isSafeInteger(number) ? number : value.intValue };
  }
  if ('doubleValue' in value) return { type: 'float64', value: value.doubleValue === '-0' ? -0 : value.doubleValue }; // the model spells -0 as '-0'
  if ('bytesValue' in value) return { type: 'binary', value: value.bytesValue };
  return { type: 'string', value: JSON.stringify(toPlainValue(value)) };
}

function nanosToMicros(nanos: string): number {
  return Number(BigInt(nanos) / NANOS_PER_MICRO);
}
