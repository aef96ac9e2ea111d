/**
 * Jaeger api_v3's trace summaries (`GET /api/v3/trace-summaries`, Jaeger 2.19+): per trace its
 * root, time span, span/error/orphan counts and per-service counts, computed from the stored spans
 * like Jaeger's `toProtoTraceSummaries` (cmd/jaeger/.../apiv3/grpc_handler.go).
 */
import { STATUS_CODE_ERROR } from '../otlp/model.js';
import type { SpanRow } from '../store/query.js';

/** Per-service counts of a summary. */
export interface V3ServiceSummary {
  name: string;
  spanCount: number;
  errorSpanCount: number;
}

/** One trace of `GET /api/v3/trace-summaries` (Jaeger's `api_v3.TraceSummary` in JSON; every field present). */
export interface V3TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootOperationName: string;
  minStartTimeUnixNano: string;
  maxEndTimeUnixNano: string;
  spanCount: number;
  errorSpanCount: number;
  /** Spans whose parent span is not in the trace. */
  orphanSpanCount: number;
  /** Sorted by name. */
  services: V3ServiceSummary[];
}

/** `GET /api/v3/trace-summaries`. */
export interface V3TraceSummariesResponse {
  summaries: V3TraceSummary[];
}

/** Summarizes one trace's spans (in start order, as the store returns them). */
export function summarizeTrace(traceId: string, spans: readonly SpanRow[]): V3TraceSummary {
  const ids = new Set(spans.map((span) => span.spanId));
  const services = new Map<string, V3ServiceSummary>();
  let root: SpanRow | undefined;
  let minStart: bigint | undefined;
  let maxEnd: bigint | undefined;
  let errors = 0;
  let orphans = 0;
  for (const span of spans) {
    const isError = span.statusCode === STATUS_CODE_ERROR ? 1 : 0;
    errors += isError;
    if (span.parentSpanId === '') root ??= span;
    else if (!ids.has(span.parentSpanId)) orphans++;
    let service = services.get(span.serviceName);
    if (!service) services.set(span.serviceName, (service = { name: span.serviceName, spanCount: 0, errorSpanCount: 0 }));
    service.spanCount++;
    service.errorSpanCount += isError;
    const start = BigInt(span.startTimeUnixNano);
    const end = BigInt(span.endTimeUnixNano);
    if (minStart === undefined || start < minStart) minStart = start;
    if (maxEnd === undefined || end > maxEnd) maxEnd = end;
  }
  return {
    traceId,
    rootServiceName: root?.serviceName ?? '',
    rootOperationName: root?.name ?? '',
    minStartTimeUnixNano: (minStart ?? 0n).toString(),
    maxEndTimeUnixNano: (maxEnd ?? 0n).toString(),
    spanCount: spans.length,
    errorSpanCount: errors,
    orphanSpanCount: orphans,
    services: [...services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
