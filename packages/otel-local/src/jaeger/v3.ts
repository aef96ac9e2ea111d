/**
 * Jaeger api_v3 over HTTP (the grpc-gateway JSON of Jaeger v2's QueryService): services,
 * operations, trace by id and trace search, traces as OTLP JSON inside `{"result": ...}`.
 */
import type { OperationsResponse, ServicesResponse } from '../api/viewer-types.js';
import { parseAttributeFilters, parseDuration, parseInteger, parseRfc3339 } from '../http/params.js';
import { HttpError, parseTraceId, sendJson } from '../http/respond.js';
import { optionalQuery, queryValue, queryValues, route } from '../http/router.js';
import type { Route } from '../http/router.js';
import { SPAN_KIND_NAMES } from '../otlp/model.js';
import type { TelemetryQueries } from '../store/query.js';
import { renderResourceSpans } from './otlp-json.js';

const DEFAULT_SEARCH_DEPTH = 20;
const MAX_SEARCH_DEPTH = 1_000;

/** api_v3 errors: API.md's `{"error": {"code", "message"}}` plus grpc-gateway's `httpCode`, which Jaeger clients read. */
function v3Error(status: number, message: string): unknown {
  return { error: { code: status, httpCode: status, message } };
}

/** Routes of `/api/v3/*`. */
export function jaegerV3Routes(queries: TelemetryQueries): Route[] {
  return [
    route(
      /^\/api\/v3\/services\/?$/,
      ({ response }) => {
        const body: ServicesResponse = { services: queries.services() };
        sendJson(response, 200, body);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/operations\/?$/,
      ({ url, response }) => {
        const service = queryValue(url, 'service') ?? queryValue(url, 'query.service_name');
        if (!service) throw new HttpError(400, 'parameter service is required');
        const kindName = queryValue(url, 'span_kind')?.toLowerCase();
        const kind = kindName === undefined ? undefined : SPAN_KIND_NAMES.indexOf(kindName as (typeof SPAN_KIND_NAMES)[number]);
        if (kind === -1) {
          throw new HttpError(400, `malformed parameter span_kind (actual: ${JSON.stringify(kindName)}), expected one of ${SPAN_KIND_NAMES.join(', ')}`);
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
      ({ params, response }) => {
        const traceId = parseTraceId(params[0]!);
        const spans = queries.traceSpans(traceId);
        if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
        sendJson(response, 200, `{"result":{"resourceSpans":[${renderResourceSpans(queries, spans).join(',')}]}}`);
      },
      v3Error,
    ),
    route(
      /^\/api\/v3\/traces\/?$/,
      ({ url, response }) => {
        const depth = queryValue(url, 'query.search_depth') ?? queryValue(url, 'query.num_traces');
        const traceIds = queries.findTraceIds({
          service: queryValue(url, 'query.service_name'),
          operation: queryValue(url, 'query.operation_name'),
          startMinNs: optionalQuery(url, 'query.start_time_min', parseRfc3339),
          startMaxNs: optionalQuery(url, 'query.start_time_max', parseRfc3339),
          durationMinNs: optionalQuery(url, 'query.duration_min', parseDuration),
          durationMaxNs: optionalQuery(url, 'query.duration_max', parseDuration),
          attributes: parseAttributeFilters('query.attributes', queryValues(url, 'query.attributes')),
          limit: depth === undefined ? DEFAULT_SEARCH_DEPTH : parseInteger('query.search_depth', depth, 1, MAX_SEARCH_DEPTH),
        });
        const resourceSpans = traceIds.flatMap((traceId) => renderResourceSpans(queries, queries.traceSpans(traceId)));
        sendJson(response, 200, `{"result":{"resourceSpans":[${resourceSpans.join(',')}]}}`);
      },
      v3Error,
    ),
  ];
}
