/**
 * Builds OTLP/JSON export request bodies for tests (the spec's JSON mapping: hex ids, decimal-string
 * nanoseconds, typed AnyValues), grouped by service into `resourceSpans`, and posts them to a
 * collector's receiver.
 */
import assert from 'node:assert/strict';
import { post } from './helpers';

/** A typed OTLP AnyValue in JSON form. */
export type JsonAnyValue = Record<string, unknown>;

/** A span to send: the fields tests vary; times are nanoseconds as decimal strings. */
export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  service?: string;
  kind?: number;
  start: string;
  end: string;
  /** Plain string attributes, or typed values (`{ intValue: '1' }`) as they are. */
  attributes?: Record<string, string | JsonAnyValue>;
  status?: { code: number; message?: string };
}

/** The OTLP JSON `attributes` list of a plain record (strings become `stringValue`). */
export function attributeList(attributes: Record<string, string | JsonAnyValue> = {}): Array<{ key: string; value: JsonAnyValue }> {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === 'string' ? { stringValue: value } : value }));
}

/** An ExportTraceServiceRequest in OTLP JSON: one resource per service, one scope each. */
export function traceRequest(spans: readonly TestSpan[]): { resourceSpans: unknown[] } {
  const byService = new Map<string, TestSpan[]>();
  for (const span of spans) {
    const service = span.service ?? 'app';
    byService.set(service, [...(byService.get(service) ?? []), span]);
  }
  return {
    resourceSpans: [...byService].map(([service, group]) => ({
      resource: { attributes: attributeList({ 'service.name': service }) },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: group.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            name: span.name ?? span.spanId,
            kind: span.kind ?? 1,
            startTimeUnixNano: span.start,
            endTimeUnixNano: span.end,
            attributes: attributeList(span.attributes),
            status: span.status ?? { code: 0 },
          })),
        },
      ],
    })),
  };
}

/** Posts spans (as one OTLP JSON request) to the receiver and asserts they were all accepted. */
export async function sendSpans(otlpUrl: string, spans: readonly TestSpan[]): Promise<void> {
  const response = await post(`${otlpUrl}/v1/traces`, JSON.stringify(traceRequest(spans)), { 'Content-Type': 'application/json' });
  assert.equal(response.status, 200, Buffer.from(response.body).toString());
  assert.doesNotMatch(Buffer.from(response.body).toString(), /rejected/);
}
