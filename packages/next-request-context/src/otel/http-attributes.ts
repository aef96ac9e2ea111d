import type { AttributeValue, Attributes } from '@opentelemetry/api';
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
 * Call it while the span is open. The span gets a new attributes object with the others in their
 * order and these after them (deleting properties would turn the object V8 keeps for it into a slow
 * dictionary, on every request).
 */
export function useCurrentHttpConventions(span: Span): void {
  const attributes = span.attributes as Record<string, AttributeValue | undefined>;
  const method = attributes['http.method'];
  const target = attributes['http.target'];
  const status = attributes['http.status_code'];
  if (method === undefined && target === undefined && status === undefined) return;
  const current: Record<string, AttributeValue | undefined> = {};
  for (const key in attributes) if (!(LEGACY as readonly string[]).includes(key)) current[key] = attributes[key];
  if (typeof method === 'string') current['http.request.method'] = method;
  if (target !== undefined) current['url.path'] = pathOf(target);
  if (typeof status === 'number') current['http.response.status_code'] = status;
  (span as { attributes: Attributes }).attributes = current;
}
