import { context, propagation } from '@opentelemetry/api';
import type { TextMapSetter } from '@opentelemetry/api';

const headersSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

function originOf(input: RequestInfo | URL): string | undefined {
  try {
    const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);
    return url.origin;
  } catch {
    return undefined; // relative or malformed: fetch itself will report it
  }
}

/**
 * Wraps `globalThis.fetch` so that requests to `allowedOrigins` carry the active trace context
 * (`traceparent`, and `baggage: user.id` when configured), making the called service's spans part
 * of the caller's trace. Next.js does not inject trace context into `fetch` by itself.
 *
 * Origins are compared after parsing (`new URL(url).origin`), so `http://api:4000.evil.example` or
 * `http://api:4000@evil.example` never match `http://api:4000`. Requests elsewhere are passed
 * through untouched. Any failure while injecting falls back to the plain call: telemetry never
 * breaks a request. With no allowed origin, `fetch` is not wrapped at all.
 */
export function installOutboundPropagation(allowedOrigins: readonly string[]): void {
  if (allowedOrigins.length === 0) return;
  const allowed = new Set(allowedOrigins);
  const originalFetch = globalThis.fetch;

  globalThis.fetch = function fetchWithTraceContext(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const origin = originOf(input);
    if (origin === undefined || !allowed.has(origin)) return originalFetch(input, init);
    let headers: Headers;
    try {
      headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      propagation.inject(context.active(), headers, headersSetter);
    } catch {
      return originalFetch(input, init);
    }
    return originalFetch(input, { ...init, headers });
  };
}
