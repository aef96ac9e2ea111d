/**
 * Reads what the collector stored, as the end-to-end and adoption tests check it: one client for
 * the viewer API's `GET /api/trace/<id>`, typed with the collector's own response shapes.
 */
import type { ApiLog, ApiSpan } from '../../packages/otel-local/src/index';

export type StoredSpan = ApiSpan;
export type StoredLog = ApiLog;

/** The spans and log lines of one trace, as `GET /api/trace/<id>` returns them. */
export interface StoredTrace {
  spans: StoredSpan[];
  logs: StoredLog[];
}

/** Fetches a trace (spans and logs) from the collector's viewer API; `undefined` when unknown. */
export async function fetchTrace(queryUrl: string, traceId: string): Promise<StoredTrace | undefined> {
  const response = await fetch(`${queryUrl}/api/trace/${traceId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET /api/trace/${traceId}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as StoredTrace;
}

/**
 * Polls until `predicate` holds for the stored trace (telemetry is exported in batches).
 * Returns the last trace seen; the caller's assertions then explain any difference.
 */
export async function waitForTrace(queryUrl: string, traceId: string, predicate: (trace: StoredTrace) => boolean, timeoutMillis = 20_000): Promise<StoredTrace> {
  const deadline = Date.now() + timeoutMillis;
  let last: StoredTrace = { spans: [], logs: [] };
  while (Date.now() < deadline) {
    last = (await fetchTrace(queryUrl, traceId)) ?? last;
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}
