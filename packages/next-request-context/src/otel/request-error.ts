import { SpanStatusCode, trace } from '@opentelemetry/api';

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

/**
 * Marks the active span of the failed request with error status and an exception event (type,
 * message, stack) if it is still open (an ended span ignores both), and returns the fields for its
 * error log line. The status message is the
 * exception's type only: an error message may hold user data and does not belong in a status
 * that is indexed and listed. Never throws: telemetry must not fail the error path.
 */
export function recordRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): RequestErrorFields {
  const exception = asError(error);
  const fields = { routeType: context.routeType, routePath: context.routePath, method: request.method, 'exception.type': exception.name };
  try {
    const span = trace.getActiveSpan();
    span?.recordException(exception);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: exception.name });
  } catch {
    // a span that cannot record is not a reason to fail the request's error handling
  }
  return fields;
}
