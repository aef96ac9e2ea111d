import { SpanStatusCode } from '@opentelemetry/api';
import type { SpanStatus } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { isRedactedKey, REDACTED, withoutQuery } from '../context/pii-policy.js';

/** The exception type a failed span records (`error.type`, else its last exception event), never its message. */
export function errorType(span: Span): string | undefined {
  const type = span.attributes['error.type'];
  if (typeof type === 'string') return type;
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i]!;
    if (event.name === 'exception') return String(event.attributes?.['exception.type'] ?? '') || undefined;
  }
  return undefined;
}

/** Attributes that hold a URL: their query string is stripped before export. */
const URL_KEYS = new Set(['http.url', 'url.full', 'http.target']);

/**
 * The PII and status rules, applied to an ended span before the exporting processor sees it (so in
 * `onEnd`, which both SDKs call in order, writing the ended span's fields directly): denylisted
 * attributes become `[REDACTED]`, query strings leave URLs and the name (and `next.span_name`, which
 * follows the name), `url.query` goes, and an error status's message becomes the exception's type.
 */
export function applyPolicy(span: Span): void {
  const attributes = span.attributes as Record<string, unknown>;
  for (const key in attributes) {
    const value = attributes[key];
    if (isRedactedKey(key)) attributes[key] = REDACTED;
    else if (key === 'url.query') delete attributes[key];
    else if (typeof value === 'string' && URL_KEYS.has(key)) attributes[key] = withoutQuery(value);
  }
  const writable = span as unknown as { name: string; status: SpanStatus };
  writable.name = withoutQuery(span.name);
  // Next.js's copy of the name follows the name (renamed, without query).
  if (attributes['next.span_name'] !== undefined) attributes['next.span_name'] = writable.name;
  if (span.status.code === SpanStatusCode.ERROR && span.status.message) writable.status = { code: SpanStatusCode.ERROR, message: errorType(span) ?? '' };
}

