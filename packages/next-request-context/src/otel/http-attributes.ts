import type { Span } from '@opentelemetry/sdk-trace-base';

/** Attributes Next.js sets under names the HTTP semantic conventions have replaced. */
const LEGACY = ['http.method', 'http.target', 'http.status_code'] as const;

/** `target` (`/path?query`) without its query string or fragment: query strings never leave the process. */
export function pathOf(target: unknown): string {
  const text = typeof target === 'string' ? target : '';
  const end = text.search(/[?#]/);
  return end === -1 ? text : text.slice(0, end);
}

/**
 * Moves Next.js's HTTP attributes on `span` to the current HTTP semantic conventions:
 * `http.request.method`, `url.path` (the target without its query string, which is dropped) and
 * `http.response.status_code`; the legacy `http.method`, `http.target`, `http.status_code` go.
 * Call it while the span is open.
 */
export function useCurrentHttpConventions(span: Span): void {
  const attributes = span.attributes as Record<string, unknown>;
  const [method, target, status] = LEGACY.map((name) => attributes[name]);
  for (const name of LEGACY) delete attributes[name];
  if (typeof method === 'string') span.setAttribute('http.request.method', method);
  if (target !== undefined) span.setAttribute('url.path', pathOf(target));
  if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
}
