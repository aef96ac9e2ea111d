/**
 * The viewer's own API (see API.md): trace summaries, one trace with its logs, log search,
 * live events and health. Attribute maps are plain `{key: value}` objects here.
 */
import type { ApiLog, ApiSpan, HealthResponse, LogsResponse, SummariesResponse, TraceResponse } from '../api/viewer-types.js';
import type { LiveEvents } from '../http/events.js';
import { parseAttributeFilters, parseFlag, parseInteger, parseScaledNumber } from '../http/params.js';
import { HttpError, parseTraceId, sendJson } from '../http/respond.js';
import { optionalQuery, queryValue, queryValues, route } from '../http/router.js';
import type { Route } from '../http/router.js';
import type { AnyValue, KeyValue, SpanEventModel, SpanLinkModel } from '../otlp/model.js';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../otlp/model.js';
import { stringifyJson, toPlainAttributes, toPlainValue } from '../otlp/values.js';
import { HEALTH_SERVICE_NAME } from '../shared/constants.js';
import type { CollectorStats } from '../shared/stats.js';
import type { TelemetryStore } from '../store/index.js';
import type { LogRow, SpanRow, SummarySearch, TelemetryQueries } from '../store/query.js';

const NANOS_PER_MILLI = 1_000_000n;
const DEFAULT_SUMMARY_LIMIT = 50;
const DEFAULT_LOG_LIMIT = 200;
const MAX_LIMIT = 5_000;

/** Minimum severity numbers for `level=` (OTel log data model ranges). */
const SEVERITY_FLOOR: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** What the viewer API needs. */
export interface ViewerApiOptions {
  store: TelemetryStore;
  stats: CollectorStats;
  events: LiveEvents;
  ports: () => { otlpPort: number; queryPort: number };
}

/** Routes of the viewer API. */
export function viewerApiRoutes(options: ViewerApiOptions): Route[] {
  const { store, stats, events } = options;
  const queries = store.queries;
  return [
    route(/^\/api\/summaries\/?$/, ({ url, response }) => {
      const { search, limit } = summarySearchOf(url);
      // One more than asked tells whether the list was cut off.
      const traces = queries.summaries({ ...search, limit: limit + 1 });
      const truncated = traces.length > limit;
      if (truncated) traces.length = limit;
      const body: SummariesResponse = { traces, truncated };
      sendJson(response, 200, body);
    }),
    route(/^\/api\/trace\/([^/]+)\/?$/, ({ params, response }) => {
      const traceId = parseTraceId(params[0]!);
      const spans = queries.traceSpans(traceId);
      const logs = queries.traceLogs(traceId);
      if (spans.length === 0 && logs.length === 0) throw new HttpError(404, `trace ${traceId} not found (no spans or logs with this id)`);
      const body: TraceResponse = { traceId, spans: spans.map((span) => toViewerSpan(queries, span)), logs: logs.map((log) => toViewerLog(queries, log)) };
      sendJson(response, 200, stringifyJson(body)); // doubles keep a fraction (otlp/plain-json.ts)
    }),
    route(/^\/api\/logs\/?$/, ({ url, response }) => {
      const level = queryValue(url, 'level')?.toLowerCase();
      if (level !== undefined && !(level in SEVERITY_FLOOR)) {
        throw new HttpError(400, `malformed parameter level (actual: ${JSON.stringify(level)}), expected one of ${Object.keys(SEVERITY_FLOOR).join(', ')}`);
      }
      const traceId = optionalQuery(url, 'traceId', (_name, value) => parseTraceId(value));
      const beforeNs = optionalQuery(url, 'beforeNs', (name, value) => parseScaledNumber(name, value, 1n, 'nanoseconds'));
      const beforeId = optionalQuery(url, 'beforeId', (name, value) => parseInteger(name, value, 0, Number.MAX_SAFE_INTEGER));
      if (beforeId !== undefined && beforeNs === undefined) {
        throw new HttpError(400, `malformed parameter beforeId (actual: "${beforeId}"), expected it together with beforeNs (the cursor is the pair)`);
      }
      const logs = queries.logs({
        traceId,
        spanId: queryValue(url, 'spanId')?.toLowerCase(),
        userId: queryValue(url, 'userId'),
        minSeverity: level === undefined ? undefined : SEVERITY_FLOOR[level],
        text: queryValue(url, 'q'),
        beforeNs,
        beforeId,
        limit: optionalQuery(url, 'limit', (name, value) => parseInteger(name, value, 1, MAX_LIMIT)) ?? DEFAULT_LOG_LIMIT,
      });
      const body: LogsResponse = { logs: logs.map((log) => toViewerLog(queries, log)) };
      sendJson(response, 200, stringifyJson(body)); // doubles keep a fraction (otlp/plain-json.ts)
    }),
    route(/^\/api\/events\/?$/, ({ request, response }) => events.subscribe(request, response)),
    route(/^\/api\/health\/?$/, ({ response }) => {
      const { otlpPort, queryPort } = options.ports();
      const body: HealthResponse = {
        status: 'ok',
        service: HEALTH_SERVICE_NAME,
        otlpPort,
        queryPort,
        dbPath: store.path,
        durability: store.durability,
        sqliteDriver: store.sqliteDriver,
        stats: { ...stats, liveClients: events.clientCount, stored: store.totals() },
      };
      sendJson(response, 200, body);
    }),
  ];
}

const millis = (name: string, value: string) => parseScaledNumber(name, value, NANOS_PER_MILLI, 'milliseconds');

/**
 * The trace search of `GET /api/summaries` (and `GET /api/export`) from its query parameters:
 * the filters and the `limit` (default 50, at most 5000).
 */
export function summarySearchOf(url: URL): { search: Omit<SummarySearch, 'limit'>; limit: number } {
  return {
    search: {
      service: queryValue(url, 'service'),
      operation: queryValue(url, 'operation'),
      userId: queryValue(url, 'userId'),
      minDurationNs: optionalQuery(url, 'minDurationMs', millis),
      maxDurationNs: optionalQuery(url, 'maxDurationMs', millis),
      startMinNs: optionalQuery(url, 'startMs', millis),
      startMaxNs: optionalQuery(url, 'endMs', millis),
      attributes: parseAttributeFilters('attr', queryValues(url, 'attr')),
      errorsOnly: optionalQuery(url, 'errorsOnly', parseFlag) ?? false,
      hideStatic: optionalQuery(url, 'hideStatic', parseFlag) ?? false,
    },
    limit: optionalQuery(url, 'limit', (name, value) => parseInteger(name, value, 1, MAX_LIMIT)) ?? DEFAULT_SUMMARY_LIMIT,
  };
}


/** A span in the viewer's shape. */
export function toViewerSpan(queries: TelemetryQueries, span: SpanRow): ApiSpan {
  const resource = queries.resource(span.resourceId);
  const scope = queries.scope(span.scopeId);
  const events = span.eventsJson ? (JSON.parse(span.eventsJson) as SpanEventModel[]) : [];
  const links = span.linksJson ? (JSON.parse(span.linksJson) as SpanLinkModel[]) : [];
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: SPAN_KIND_NAMES[span.kind] ?? 'unspecified',
    serviceName: span.serviceName,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    durationNano: span.durationNano,
    status: { code: STATUS_CODE_NAMES[span.statusCode] ?? 'unset', message: span.statusMessage },
    attributes: toPlainAttributes(JSON.parse(span.attributesJson) as KeyValue[]),
    resource: toPlainAttributes(resource.attributes),
    events: events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano, attributes: toPlainAttributes(event.attributes) })),
    links: links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: toPlainAttributes(link.attributes) })),
    scope: { name: scope.name, version: scope.version },
    userId: span.userId,
    traceState: span.traceState,
  };
}

/** A log record in the viewer's shape. */
export function toViewerLog(queries: TelemetryQueries, log: LogRow): ApiLog {
  return {
    id: log.id,
    timeUnixNano: log.timeUnixNano,
    observedTimeUnixNano: log.observedTimeUnixNano,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: log.bodyJson ? toPlainValue(JSON.parse(log.bodyJson) as AnyValue) : null,
    traceId: log.traceId ?? '',
    spanId: log.spanId ?? '',
    userId: log.userId,
    serviceName: log.serviceName,
    attributes: toPlainAttributes(JSON.parse(log.attributesJson) as KeyValue[]),
    resource: toPlainAttributes(queries.resource(log.resourceId).attributes),
    traceKnown: log.traceKnown,
    eventName: log.eventName,
  };
}
