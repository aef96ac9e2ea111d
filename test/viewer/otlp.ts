// The viewer fixtures (in the viewer API's shapes) as OTLP/JSON export requests, so the browser
// tests can feed the real collector through its real receiver, exactly as an SDK exporter would.

import type { ApiValue } from '../../packages/otel-local/src/index';
import type { LogRecord, Span } from './fixtures';

type OtlpValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpValue[] } }
  | { kvlistValue: { values: { key: string; value: OtlpValue }[] } };

const KIND: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS: Record<string, number> = { unset: 0, ok: 1, error: 2 };

export function otlpValue(v: ApiValue): OtlpValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(otlpValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: otlpValue(value as ApiValue) })) } };
  return { stringValue: String(v) };
}

export function otlpAttributes(obj: Record<string, ApiValue> | undefined): { key: string; value: OtlpValue }[] {
  return Object.entries(obj ?? {}).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

/** Groups items by their resource's service name (one resource per service, as an SDK sends). */
function byService<T>(items: T[], service: (t: T) => string, resource: (t: T) => Record<string, ApiValue>): { resource: Record<string, ApiValue>; items: T[] }[] {
  const groups = new Map<string, { resource: Record<string, ApiValue>; items: T[] }>();
  for (const item of items) {
    const key = service(item);
    if (!groups.has(key)) groups.set(key, { resource: resource(item), items: [] });
    groups.get(key)!.items.push(item);
  }
  return [...groups.values()];
}

/** `{ resourceSpans }` for the spans of `traceId`. */
export function otlpTraces(traceId: string, spans: Span[]): object {
  return {
    resourceSpans: byService(spans, (s) => s.serviceName, (s) => s.resource).map((g) => ({
      resource: { attributes: otlpAttributes(g.resource) },
      scopeSpans: [
        {
          scope: { name: g.items[0].scope.name, version: g.items[0].scope.version },
          spans: g.items.map((s) => ({
            traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: KIND[s.kind] ?? 0,
            startTimeUnixNano: s.startTimeUnixNano,
            endTimeUnixNano: s.endTimeUnixNano,
            attributes: otlpAttributes(s.attributes),
            events: s.events.map((e) => ({ name: e.name, timeUnixNano: e.timeUnixNano, attributes: otlpAttributes(e.attributes) })),
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: otlpAttributes(l.attributes) })),
            status: { code: STATUS[s.status.code] ?? 0, ...(s.status.message ? { message: s.status.message } : {}) },
          })),
        },
      ],
    })),
  };
}

/** `{ resourceLogs }` for log records. */
export function otlpLogs(logs: LogRecord[]): object {
  return {
    resourceLogs: byService(logs, (l) => l.serviceName, (l) => l.resource).map((g) => ({
      resource: { attributes: otlpAttributes(g.resource) },
      scopeLogs: [
        {
          scope: { name: 'pino' },
          logRecords: g.items.map((l) => ({
            timeUnixNano: l.timeUnixNano,
            observedTimeUnixNano: l.observedTimeUnixNano,
            severityNumber: l.severityNumber,
            severityText: l.severityText,
            body: otlpValue(l.body),
            attributes: otlpAttributes(l.attributes),
            ...(l.traceId ? { traceId: l.traceId } : {}),
            ...(l.spanId ? { spanId: l.spanId } : {}),
          })),
        },
      ],
    })),
  };
}
