// Thin client for the viewer API in the otel-local package's API.md. Same origin, relative URLs,
// so the viewer works on whatever host/port the query server is bound to.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Build "path?k=v" skipping empty values, so URLs stay short and readable in devtools. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function getJson(path, params, signal) {
  return request(withQuery(path, params), { signal, headers: { accept: 'application/json' } });
}

async function request(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, `collector unreachable (${err?.message ?? err})`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* non-JSON error page */
  }
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  return body ?? {};
}

export const api = {
  summaries: (params, signal) => getJson('/api/summaries', params, signal).then((b) => b.traces ?? []),
  trace: (traceId, signal) =>
    getJson(`/api/trace/${encodeURIComponent(traceId)}`, null, signal).then((b) => ({
      traceId: b.traceId ?? traceId,
      spans: b.spans ?? [],
      logs: b.logs ?? [],
    })),
  logs: (params, signal) => getJson('/api/logs', params, signal).then((b) => b.logs ?? []),
  services: (signal) => getJson('/api/v3/services', null, signal).then((b) => b.services ?? []),
  operations: (service, signal) =>
    getJson('/api/v3/operations', { service }, signal).then((b) => b.operations ?? []),
  /** The trace's critical path: [{ spanId, startTimeUnixNano, endTimeUnixNano }]. */
  criticalPath: (traceId, signal) =>
    getJson(`/api/trace/${encodeURIComponent(traceId)}/critical-path`, null, signal).then((b) => b.segments ?? []),
  /** { nodes: [{ service, spanCount, errorCount }], edges: [{ parent, child, callCount, errorCount, p95DurationNano }] }. */
  serviceGraph: (params, signal) => getJson('/api/service-graph', params, signal),
  /** Stores an OTLP/JSON document: { spans, logs, traceIds, rejectedSpans, rejectedLogs }. */
  importOtlp: (text) =>
    request('/api/import', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: text }),
};

/** Where a trace downloads as OTLP JSON (spans and log lines). */
export const traceExportHref = (traceId) => `/api/trace/${encodeURIComponent(traceId)}/otlp`;

/** Where the traces of a search download as OTLP JSON; `params` are /api/summaries parameters. */
export const searchExportHref = (params) => withQuery('/api/export', params);
