/**
 * Trace analysis endpoints of the viewer API (API.md): a trace's critical path and the service
 * dependency graph over a time range.
 */
import { criticalPath } from '../analysis/critical-path.js';
import type { CriticalPathResponse } from '../api/viewer-types.js';
import { HttpError, parseTraceId, sendJson } from '../http/respond.js';
import { route } from '../http/router.js';
import type { Route } from '../http/router.js';
import type { TelemetryQueries } from '../store/query.js';

/** Routes of the analysis endpoints. */
export function analysisApiRoutes(queries: TelemetryQueries): Route[] {
  return [
    route(/^\/api\/trace\/([^/]+)\/critical-path\/?$/, ({ params, response }) => {
      const traceId = parseTraceId(params[0]!);
      const spans = queries.traceSpans(traceId);
      if (spans.length === 0 && !queries.traceExists(traceId)) throw new HttpError(404, `trace ${traceId} not found (no spans or logs with this id)`);
      const body: CriticalPathResponse = { traceId, segments: criticalPath(spans) };
      sendJson(response, 200, body);
    }),
  ];
}
