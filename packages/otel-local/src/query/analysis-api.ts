/**
 * Trace analysis endpoints of the viewer API (API.md): a trace's critical path and the service
 * dependency graph over a time range (default: the last hour).
 */
import { criticalPath } from '../analysis/critical-path.js';
import type { CriticalPathResponse, ServiceGraphResponse } from '../api/viewer-types.js';
import { parseInteger } from '../http/params.js';
import { HttpError, parseTraceId, sendJson } from '../http/respond.js';
import { optionalQuery, route } from '../http/router.js';
import type { Route } from '../http/router.js';
import type { TelemetryQueries } from '../store/query.js';

/** The service graph's default window: the last hour. */
export const DEFAULT_GRAPH_WINDOW_MS = 3_600_000;

const NANOS_PER_MILLI = 1_000_000n;
const epochMillis = (name: string, value: string) => parseInteger(name, value, 0, Number.MAX_SAFE_INTEGER);

/** Routes of the analysis endpoints; `now` is the clock for the service graph's default window. */
export function analysisApiRoutes(queries: TelemetryQueries, now: () => number = Date.now): Route[] {
  return [
    route(/^\/api\/trace\/([^/]+)\/critical-path\/?$/, ({ params, response }) => {
      const traceId = parseTraceId(params[0]!);
      const spans = queries.traceSpans(traceId);
      if (spans.length === 0 && !queries.traceExists(traceId)) throw new HttpError(404, `trace ${traceId} not found (no spans or logs with this id)`);
      const body: CriticalPathResponse = { traceId, segments: criticalPath(spans) };
      sendJson(response, 200, body);
    }),
    route(/^\/api\/service-graph\/?$/, ({ url, response }) => {
      const givenStart = optionalQuery(url, 'startMs', epochMillis);
      const endMs = optionalQuery(url, 'endMs', epochMillis) ?? (givenStart === undefined ? now() : Math.max(now(), givenStart));
      const startMs = givenStart ?? Math.max(0, endMs - DEFAULT_GRAPH_WINDOW_MS);
      if (startMs > endMs) {
        throw new HttpError(400, `malformed parameter startMs (actual: ${startMs} > endMs ${endMs}), expected a start at or before the end`);
      }
      // endMs covers its whole millisecond.
      const graph = queries.serviceGraph(BigInt(startMs) * NANOS_PER_MILLI, BigInt(endMs) * NANOS_PER_MILLI + NANOS_PER_MILLI - 1n);
      const body: ServiceGraphResponse = { startMs, endMs, ...graph };
      sendJson(response, 200, body);
    }),
  ];
}
