// The logs page's filters, mirrored in the URL (/logs?level=&q=&userId=&traceId=&spanId=).

export const FIELDS = ['level', 'q', 'userId', 'traceId', 'spanId'];

export function readFilters(url) {
  const f = {};
  for (const k of FIELDS) f[k] = (url.searchParams.get(k) ?? '').trim();
  return f;
}

export function filtersToUrl(f) {
  const p = new URLSearchParams();
  for (const k of FIELDS) if (f[k]) p.set(k, f[k]);
  const s = p.toString();
  return s ? `/logs?${s}` : '/logs';
}

/** Any filter set. */
export function hasFilters(f) {
  return FIELDS.some((k) => f[k]);
}
