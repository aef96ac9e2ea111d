/**
 * Jaeger api_v3 over HTTP (the grpc-gateway JSON of Jaeger v2's QueryService): services,
 * operations, trace by id, trace search (traces as OTLP JSON inside `{"result": ...}`) and trace
 * summaries.
 * Parameter names follow Jaeger 2.x (camelCase, snake_case as deprecated aliases); unknown
 * parameters are a 400. Remaining differences from Jaeger are listed in API.md.
 */
import type { OperationsResponse, ServicesResponse } from '../api/viewer-types.js';
import { parseAttributeFilters, parseDuration, parseInteger, parseRfc3339 } from '../http/params.js';
import { HttpError, sendJson } from '../http/respond.js';
import { optionalQuery, queryValue, queryValues, route } from '../http/router.js';
import type { Route } from '../http/router.js';
import { SPAN_KIND_NAMES } from '../otlp/model.js';
import type { SpanSearch, TelemetryQueries } from '../store/query.js';
import { renderResourceSpans } from '../encode/spans-json.js';
import { parseJaegerTraceId } from './trace-id.js';
import { summarizeTrace } from './v3-summaries.js';
import type { V3TraceSummariesResponse } from './v3-summaries.js';

/** Jaeger's default `query.searchDepth` (cmd/jaeger/.../apiv3/query_parser.go). */
const DEFAULT_SEARCH_DEPTH = 100;
const MAX_SEARCH_DEPTH = 1_000;

/** A parameter under its current (camelCase) name and its deprecated snake_case aliases, as Jaeger 2.x reads them. */
type ParamNames = readonly [canonical: string, ...deprecated: string[]];

const P = {
  service: ['query.serviceName', 'query.service_name'],
  operation: ['query.operationName', 'query.operation_name'],
  startMin: ['query.startTimeMin', 'query.start_time_min'],
  startMax: ['query.startTimeMax', 'query.start_time_max'],
  durationMin: ['query.durationMin', 'query.duration_min'],
  durationMax: ['query.durationMax', 'query.duration_max'],
  depth: ['query.searchDepth', 'query.search_depth', 'query.num_traces'],
  rawTraces: ['query.rawTraces', 'query.raw_traces'],
  attributes: ['query.attributes'],
  spanKind: ['spanKind', 'span_kind'],
  traceStart: ['startTime', 'start_time'],
  traceEnd: ['endTime', 'end_time'],
  traceRaw: ['rawTraces', 'raw_traces'],
} as const satisfies Record<string, ParamNames>;

/** The first non-empty value among a parameter's names, with the name it came under. */
function param(url: URL, names: ParamNames): { name: string; value: string | undefined } {
  for (const name of names) {
    const value = queryValue(url, name);
    if (value !== undefined) return { name, value };
  }
  return { name: names[0], value: undefined };
}

/** Parses a parameter under any of its names with a `params.ts` parser. */
function parsed<T>(url: URL, names: ParamNames, parse: (name: string, value: string) => T): T | undefined {
  const { name, value } = param(url, names);
  return value === undefined ? undefined : parse(name, value);
}

/** Rejects parameters this endpoint does not know (a misspelt filter must not silently match everything). */
function rejectUnknown(url: URL, known: readonly ParamNames[]): void {
  const allowed = new Set(known.flat());
  for (const name of new Set(url.searchParams.keys())) {
    if (!allowed.has(name)) {
      throw new HttpError(400, `unknown parameter ${name} (actual: ${JSON.stringify(name.slice(0, 100))}), expected one of ${[...allowed].join(', ')}`);
    }
  }
}

/** Go's strconv.ParseBool, which Jaeger uses for `rawTraces`. */
function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new HttpError(400, `malformed parameter ${name} (actual: ${JSON.stringify(value.slice(0, 100))}), expected true or false`);
}

/** api_v3 errors: API.md's `{"error": {"code", "message"}}` plus grpc-gateway's `httpCode`, which Jaeger clients read. */
function v3Error(status: number, message: string): unknown {
  return { error: { code: status, httpCode: status, message } };
}

/** Jaeger answers 404 "No traces found" when a search or lookup finds nothing. */
const NO_TRACES = 'No traces found';

/** Routes of `/api/v3/*`. */
export function jaegerV3Routes(queries: TelemetryQueries): Route[] {
  return [
    route(
      /^\/api\/v3\/services\/?$/,
      ({ url, response }) => {
        rejectUnknown(url, []);
        const body: ServicesResponse = { services: queries.services() };
        sendJson(response, 200, body);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/operations\/?$/,
      ({ url, response }) => {
        rejectUnknown(url, [['service'], P.spanKind]);
        const service = queryValue(url, 'service');
        if (!service) throw new HttpError(400, 'parameter service is missing (actual: none), expected ?service=<service name>');
        const { name: kindParam, value } = param(url, P.spanKind);
        const kindName = value?.toLowerCase();
        const kind = kindName === undefined ? undefined : SPAN_KIND_NAMES.indexOf(kindName as (typeof SPAN_KIND_NAMES)[number]);
        if (kind === -1) {
          throw new HttpError(400, `malformed parameter ${kindParam} (actual: ${JSON.stringify(kindName)}), expected one of ${SPAN_KIND_NAMES.join(', ')}`);
        }
        const body: OperationsResponse = {
          operations: queries.operations(service, kind).map((operation) => ({ name: operation.name, spanKind: SPAN_KIND_NAMES[operation.kind] ?? '' })),
        };
        sendJson(response, 200, body);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/traces\/([^/]+)\/?$/,
      ({ url, params, response }) => {
        rejectUnknown(url, [P.traceStart, P.traceEnd, P.traceRaw]);
        const traceId = parseJaegerTraceId(params[0]!, 'trace_id');
        // Validated like Jaeger; the window is only a storage hint there, and traces are never adjusted here.
        parsed(url, P.traceStart, parseRfc3339);
        parsed(url, P.traceEnd, parseRfc3339);
        parsed(url, P.traceRaw, parseBool);
        const spans = queries.traceSpans(traceId);
        if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
        sendJson(response, 200, `{"result":{"resourceSpans":[${renderResourceSpans(queries, spans).join(',')}]}}`);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/traces\/?$/,
      ({ url, response }) => {
        const traceIds = queries.findTraceIds(traceSearchOf(url));
        if (traceIds.length === 0) throw new HttpError(404, NO_TRACES);
        const resourceSpans = traceIds.flatMap((traceId) => renderResourceSpans(queries, queries.traceSpans(traceId)));
        sendJson(response, 200, `{"result":{"resourceSpans":[${resourceSpans.join(',')}]}}`);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/trace-summaries\/?$/,
      ({ url, response }) => {
        // Same parameters and matching as the search; an empty result is an empty list here (Jaeger's handler).
        const traceIds = queries.findTraceIds(traceSearchOf(url));
        const body: V3TraceSummariesResponse = { summaries: traceIds.map((traceId) => summarizeTrace(traceId, queries.traceSpans(traceId))) };
        sendJson(response, 200, body);
      },
      v3Error,
    ),
  ];
}

/** The span search of `/api/v3/traces` and `/api/v3/trace-summaries` (Jaeger's parseFindTracesQuery). */
function traceSearchOf(url: URL): SpanSearch {
  rejectUnknown(url, Object.values(P).filter((names) => names[0].startsWith('query.')));
  const startMinNs = parsed(url, P.startMin, parseRfc3339);
  const startMaxNs = parsed(url, P.startMax, parseRfc3339);
  if (startMinNs === undefined || startMaxNs === undefined) {
    const missing = [startMinNs === undefined ? P.startMin[0] : '', startMaxNs === undefined ? P.startMax[0] : ''].filter(Boolean).join(' and ');
    throw new HttpError(400, `${P.startMin[0]} and ${P.startMax[0]} are required (actual: ${missing} missing), expected both as RFC 3339 times`);
  }
  if (startMinNs >= startMaxNs) {
    throw new HttpError(400, `${P.startMin[0]} must be before ${P.startMax[0]} (actual: ${param(url, P.startMin).value} >= ${param(url, P.startMax).value}), expected an earlier minimum`);
  }
  parsed(url, P.rawTraces, parseBool);
  return {
    service: param(url, P.service).value,
    operation: param(url, P.operation).value,
    startMinNs,
    startMaxNs,
    durationMinNs: parsed(url, P.durationMin, parseDuration),
    durationMaxNs: parsed(url, P.durationMax, parseDuration),
    attributes: parseAttributeFilters('query.attributes', queryValues(url, 'query.attributes')),
    limit: parsed(url, P.depth, (name, value) => parseInteger(name, value, 1, MAX_SEARCH_DEPTH)) ?? DEFAULT_SEARCH_DEPTH,
  };
}
