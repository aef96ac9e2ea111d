import { context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { markFailed } from './child-spans.js';
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
      if (span !== undefined) markFailed(span, exception);
    }
  } catch {
    // a span that cannot record is not a reason to fail the request's error handling
  }
  return fields;
}
