/**
 * Synthetic but realistic telemetry for the collector bench: traces of 10 spans over 4 services
 * (frontend -> checkout -> payments / inventory) with HTTP, DB and cache attributes, `user.id`
 * on the root, an event on some roots, ~3% errored traces, and 3 log records per trace.
 *
 * One deterministic description ({@link TracePlan}) is rendered two ways: as the collector's
 * internal model (to build the database through the store's ingest path) and as OTel SDK
 * `ReadableSpan`/`ReadableLogRecord`s (for the official protobuf serializers, to load the receiver).
 */
import type { HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AnyValue, KeyValue, LogRecordModel, ResourceModel, ScopeModel, SpanModel } from '../../packages/otel-local/src/otlp/model';

export const SPANS_PER_TRACE = 10;
export const LOGS_PER_TRACE = 3;
export const SERVICES = ['frontend', 'checkout', 'payments', 'inventory'] as const;
export const USER_COUNT = 5_000;
export const ROUTES = [
  '/api/orders/{id}',
  '/api/cart',
  '/api/checkout',
  '/api/products/{id}',
  '/api/products',
  '/api/users/{id}',
  '/api/search',
  '/api/recommendations',
] as const;

type Attrs = Record<string, string | number | boolean>;

export interface SpanPlan {
  spanId: string;
  parentSpanId: string;
  service: (typeof SERVICES)[number];
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attrs;
  error: boolean;
  event?: { name: string; timeNs: bigint; attributes: Attrs };
}

export interface LogPlan {
  timeNs: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  spanId: string;
  service: (typeof SERVICES)[number];
  attributes: Attrs;
}

export interface TracePlan {
  traceId: string;
  userId: string;
  startNs: bigint;
  spans: SpanPlan[];
  logs: LogPlan[];
}

/** Deterministic PRNG (mulberry32), so every run stores the same data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(next: () => number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i += 4) out += Math.floor(next() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, bytes * 2);
}

const MS = 1_000_000n;

/** Describes trace number `index`, starting at `startNs`. */
export function planTrace(next: () => number, startNs: bigint): TracePlan {
  const traceId = hex(next, 16);
  const user = Math.floor(next() * USER_COUNT);
  const userId = `user-${user}`;
  const route = ROUTES[Math.floor(next() * ROUTES.length)]!;
  const method = route === '/api/checkout' || route === '/api/cart' ? 'POST' : 'GET';
  const error = next() < 0.03;
  const totalMs = 5 + Math.floor(next() ** 3 * 400);
  const at = (fraction: number) => startNs + (BigInt(Math.round(totalMs * fraction * 1000)) * MS) / 1000n;
  const ids = Array.from({ length: SPANS_PER_TRACE }, () => hex(next, 8));
  const orderId = String(Math.floor(next() * 1_000_000));
  const span = (
    i: number,
    parent: number,
    service: SpanPlan['service'],
    name: string,
    kind: number,
    from: number,
    to: number,
    attributes: Attrs,
    failed = false,
  ): SpanPlan => ({ spanId: ids[i]!, parentSpanId: parent < 0 ? '' : ids[parent]!, service, name, kind, startNs: at(from), endNs: at(to), attributes, error: failed });
  const status = error ? 502 : 200;
  const spans: SpanPlan[] = [
    span(0, -1, 'frontend', `${method} ${route}`, 2, 0, 1, {
      'http.request.method': method,
      'http.route': route,
      'url.path': route.replace('{id}', orderId),
      'http.response.status_code': status,
      'user.id': userId,
      'client.address': `10.0.${user % 250}.${user % 200}`,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    }, error),
    span(1, 0, 'frontend', 'render route', 1, 0.02, 0.15, { 'next.route': route, 'next.span_type': 'AppRender.getBodyResult' }),
    span(2, 0, 'frontend', method, 3, 0.16, 0.95, { 'http.request.method': method, 'server.address': 'checkout', 'http.response.status_code': status }, error),
    span(3, 2, 'checkout', `${method} ${route.replace('/api', '')}`, 2, 0.17, 0.94, { 'http.request.method': method, 'http.route': route.replace('/api', ''), 'user.id': userId }, error),
    span(4, 3, 'checkout', 'SELECT orders', 3, 0.18, 0.3, { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT * FROM orders WHERE id = $1', 'db.operation.name': 'SELECT' }),
    span(5, 3, 'checkout', 'SELECT order_items', 3, 0.31, 0.42, { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT * FROM order_items WHERE order_id = $1', 'db.operation.name': 'SELECT' }),
    span(6, 3, 'checkout', 'POST', 3, 0.43, 0.9, { 'http.request.method': 'POST', 'server.address': 'payments' }, error),
    span(7, 6, 'payments', 'POST /charge', 2, 0.44, 0.89, { 'http.request.method': 'POST', 'http.route': '/charge', 'payment.provider': next() < 0.5 ? 'stripe' : 'adyen', 'order.id': orderId }, error),
    span(8, 7, 'payments', 'redis GET', 3, 0.45, 0.47, { 'db.system': 'redis', 'db.operation.name': 'GET', 'server.address': 'cache' }),
    span(9, 3, 'inventory', 'GET /stock', 2, 0.5, 0.6, { 'http.request.method': 'GET', 'http.route': '/stock', 'inventory.items': 1 + (user % 7) }),
  ];
  if (next() < 0.3) spans[0]!.event = { name: 'cache.miss', timeNs: at(0.01), attributes: { 'cache.key': `page:${route}` } };
  const logAttributes = { user_id: userId, route };
  const logs: LogPlan[] = [
    { timeNs: at(0.01), severityNumber: 9, severityText: 'info', body: `${method} ${route} started`, spanId: ids[0]!, service: 'frontend', attributes: logAttributes },
    { timeNs: at(0.3), severityNumber: 5, severityText: 'debug', body: `order ${orderId} loaded`, spanId: ids[4]!, service: 'checkout', attributes: { ...logAttributes, 'order.id': orderId } },
    error
      ? { timeNs: at(0.89), severityNumber: 17, severityText: 'error', body: `charge failed for order ${orderId}: card declined`, spanId: ids[7]!, service: 'payments', attributes: logAttributes }
      : { timeNs: at(0.99), severityNumber: 9, severityText: 'info', body: `${method} ${route} finished in ${totalMs} ms`, spanId: ids[0]!, service: 'frontend', attributes: logAttributes },
  ];
  return { traceId, userId, startNs, spans, logs };
}

/** `count` traces spread evenly over [startNs, endNs). */
export function* planTraces(seed: number, count: number, startNs: bigint, endNs: bigint): Generator<TracePlan> {
  const next = random(seed);
  const step = count > 0 ? (endNs - startNs) / BigInt(count) : 0n;
  for (let i = 0; i < count; i++) yield planTrace(next, startNs + BigInt(i) * step);
}

// ---- as the collector's internal model (store ingest path) ----

function toAnyValue(value: string | number | boolean): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

function toKeyValues(attributes: Attrs): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

const RESOURCE_ATTRIBUTES = (service: string): Attrs => ({
  'service.name': service,
  'service.version': '1.4.2',
  'deployment.environment.name': 'local',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '2.12.0',
  'host.name': 'dev-box',
  'process.pid': 4242,
});

const MODEL_RESOURCES = new Map<string, ResourceModel>(
  SERVICES.map((service) => {
    const attributes = toKeyValues(RESOURCE_ATTRIBUTES(service));
    return [service, { attributes, droppedAttributesCount: 0, schemaUrl: '', serviceName: service, key: JSON.stringify([attributes, 0, '']) }];
  }),
);
const MODEL_SCOPE: ScopeModel = { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '', key: '["bench"]' };

export function toSpanModels(trace: TracePlan): SpanModel[] {
  return trace.spans.map((span) => ({
    traceId: trace.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    traceState: '',
    flags: 1,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startNs,
    endTimeUnixNano: span.endNs,
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: 0,
    events: span.event ? [{ name: span.event.name, timeUnixNano: String(span.event.timeNs), attributes: toKeyValues(span.event.attributes) }] : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: span.error ? 2 : 0,
    statusMessage: span.error ? 'upstream failed' : '',
    resource: MODEL_RESOURCES.get(span.service)!,
    scope: MODEL_SCOPE,
  }));
}

export function toLogModels(trace: TracePlan): LogRecordModel[] {
  return trace.logs.map((log) => ({
    timeUnixNano: log.timeNs,
    observedTimeUnixNano: log.timeNs + 1000n,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: { stringValue: log.body },
    attributes: toKeyValues(log.attributes),
    droppedAttributesCount: 0,
    flags: 1,
    traceId: trace.traceId,
    spanId: log.spanId,
    eventName: '',
    resource: MODEL_RESOURCES.get(log.service)!,
    scope: MODEL_SCOPE,
  }));
}

// ---- as OTel SDK records (official serializers) ----

const SDK_RESOURCES = new Map<string, Resource>(SERVICES.map((service) => [service, resourceFromAttributes(RESOURCE_ATTRIBUTES(service))]));
const SDK_SCOPE = { name: '@opentelemetry/instrumentation-http', version: '0.223.0' };

function hrTime(nanos: bigint): HrTime {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

export function toReadableSpans(trace: TracePlan): ReadableSpan[] {
  return trace.spans.map((span) => {
    const context = { traceId: trace.traceId, spanId: span.spanId, traceFlags: 1 };
    return {
      name: span.name,
      kind: span.kind - 1,
      spanContext: () => context,
      parentSpanContext: span.parentSpanId ? { traceId: trace.traceId, spanId: span.parentSpanId, traceFlags: 1 } : undefined,
      startTime: hrTime(span.startNs),
      endTime: hrTime(span.endNs),
      duration: hrTime(span.endNs - span.startNs),
      status: span.error ? { code: 2, message: 'upstream failed' } : { code: 0 },
      attributes: span.attributes,
      links: [],
      events: span.event ? [{ name: span.event.name, time: hrTime(span.event.timeNs), attributes: span.event.attributes }] : [],
      ended: true,
      resource: SDK_RESOURCES.get(span.service)!,
      instrumentationScope: SDK_SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } as ReadableSpan;
  });
}

export function toReadableLogs(trace: TracePlan): ReadableLogRecord[] {
  return trace.logs.map(
    (log) =>
      ({
        hrTime: hrTime(log.timeNs),
        hrTimeObserved: hrTime(log.timeNs + 1000n),
        spanContext: { traceId: trace.traceId, spanId: log.spanId, traceFlags: 1 },
        severityNumber: log.severityNumber,
        severityText: log.severityText,
        body: log.body,
        attributes: log.attributes,
        droppedAttributesCount: 0,
        resource: SDK_RESOURCES.get(log.service)!,
        instrumentationScope: SDK_SCOPE,
      }) as unknown as ReadableLogRecord,
  );
}
