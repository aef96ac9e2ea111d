import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { requestState, rootSpan } from './request-state.js';

/** What Next.js passes to `onRequestError` about the failed request (its `errorContext`). */
export interface RequestErrorContext {
  routerKind: string;
  routePath: string;
  routeType: string;
  renderSource?: string;
  revalidateReason?: string;
}

/** What Next.js passes to `onRequestError` about the request (its `errorRequest`). */
export interface RequestErrorRequest {
  path: string;
  method: string;
}

/** The fields of the error log line: where it failed, and what (the exception's type only). */
export interface RequestErrorFields {
  routeType: string;
  routePath: string;
  method: string;
  'exception.type': string;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'non-Error value thrown');
}

/** The request's root span while it is open: the proxy pass waiting for this render pass, else this pass's span. */
function openRoot(): Span | undefined {
  const root = rootSpan(requestState(context.active()));
  return root?.isRecording() ? root : undefined;
}

/** Whether `span` has the exception event of `exception` already: Next.js records a render error on the active span itself. */
function hasException(span: Span, exception: Error): boolean {
  const events = (span as { events?: Array<{ name: string; attributes?: Record<string, unknown> }> }).events ?? [];
  return events.some((event) => event.name === 'exception' && event.attributes?.['exception.type'] === exception.name && event.attributes['exception.message'] === exception.message);
}

/**
 * Marks the request's root span (see `RequestRootProcessor`, which keeps it open until the
 * request ends) and the active span, when still open, with error status and one exception event
 * (type, message, stack; none added where Next.js recorded it already), and returns the fields for
 * the error log line. The status message is the exception's type only: an error message may hold
 * user data and does not belong in a status that is indexed and listed; the exception event
 * carries it. Never throws: telemetry must not fail the error path.
 */
export function recordRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): RequestErrorFields {
  const exception = asError(error);
  const fields = { routeType: context.routeType, routePath: context.routePath, method: request.method, 'exception.type': exception.name };
  try {
    const active = trace.getActiveSpan();
    for (const span of new Set([openRoot(), active?.isRecording() ? active : undefined])) {
      if (span === undefined) continue;
      if (!hasException(span, exception)) span.recordException(exception);
      span.setStatus({ code: SpanStatusCode.ERROR, message: exception.name });
      span.setAttribute('error.type', exception.name);
    }
  } catch {
    // a span that cannot record is not a reason to fail the request's error handling
  }
  return fields;
}
