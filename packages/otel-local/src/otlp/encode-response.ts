/**
 * OTLP/HTTP response bodies: Export*ServiceResponse (with optional partial success) and the
 * google.rpc.Status error body, each in the encoding of the request (protobuf or JSON).
 */
import { ProtoWriter } from '../protobuf/wire.js';

/** The request/response encodings OTLP/HTTP defines. */
export type OtlpEncoding = 'protobuf' | 'json';

/** Which signal a response is for; decides the name of the rejected-count field. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/** Content-Type header for an encoding. */
export function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
}

/**
 * Encodes an Export{Trace,Logs,Metrics}ServiceResponse. With nothing rejected the message is empty,
 * as the spec asks (`partial_success` unset).
 */
export function encodeExportResponse(
  encoding: OtlpEncoding,
  signal: OtlpSignal,
  rejected: number,
  errorMessage: string,
): Uint8Array {
  const hasPartialSuccess = rejected > 0 || errorMessage !== '';
  if (encoding === 'json') {
    // proto3 JSON maps int64 to a string.
    const body = hasPartialSuccess ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (!hasPartialSuccess) return new Uint8Array(0);
  // Export*PartialSuccess: 1 rejected_* (int64), 2 error_message (string).
  const partialSuccess = new ProtoWriter().varintField(1, rejected).stringField(2, errorMessage).finish();
  // Export*ServiceResponse: 1 partial_success.
  return new ProtoWriter().bytesField(1, partialSuccess).finish();
}

/** gRPC status codes used in error bodies, mapped from the HTTP status. */
const GRPC_CODE_BY_HTTP_STATUS: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 12, // UNIMPLEMENTED
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  421: 7, // PERMISSION_DENIED (Host not allowed)
  429: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE
};

/** Encodes a google.rpc.Status error body (1 code, 2 message) for an HTTP error status. */
export function encodeErrorStatus(encoding: OtlpEncoding, httpStatus: number, message: string): Uint8Array {
  const code = GRPC_CODE_BY_HTTP_STATUS[httpStatus] ?? 13; // INTERNAL
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return new ProtoWriter().varintField(1, code).stringField(2, message).finish();
}
