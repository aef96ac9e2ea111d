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
  const url = withQuery(path, params);
  let res;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
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
};
