/**
 * Shared test helpers: an in-process collector on ephemeral ports, real OTel SDK spans and log
 * records (so tests exercise what the official serializers/exporters emit), and small HTTP helpers.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { context, trace, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '../../packages/otel-local/src/index';
import type { CollectorOptions, RunningCollector } from '../../packages/otel-local/src/index';

/** Starts a collector on ephemeral ports with an in-memory store and no age limit (fixture times are old). */
export function startTestCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  return startCollector({
    host: '127.0.0.1',
    otlpPort: 0,
    queryPort: 0,
    dbPath: ':memory:',
    log: () => {},
    ...options,
    retention: { maxAgeHours: 0, maxSpans: 0, maxDbMb: 0, ...options.retention },
  });
}

/** Exact nanoseconds of an HrTime, as a decimal string. */
export function hrTimeToNanos(time: HrTime): string {
  return (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();
}

/** 2^60: an int64 attribute that a JS number holds exactly but that exceeds 2^53. */
export const BIG_INT_ATTRIBUTE = 2 ** 60;

/** A realistic trace from the real SDK: server root with an event, an errored client child with a link. */
export function buildSampleSpans(serviceName = 'checkout'): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.2.3', 'host.cores': 2 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test-scope', '0.1.0');
  const root = tracer.startSpan('GET /api/cart', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, 123_456_789],
    attributes: {
      'http.method': 'GET',
      'http.status_code': 200,
      'user.id': 'user-42',
      'cart.ratio': 0.25,
      'cart.negative': -7,
      'cart.big': BIG_INT_ATTRIBUTE,
      'feature.enabled': true,
      'tags.list': ['a', 'b'],
      'numbers.list': [1, 2.5],
      'flags.list': [true, false],
    },
  });
  root.addEvent('cache.miss', { 'cache.key': 'cart:42', attempt: 2 }, [1_700_000_000, 200_000_001]);
  const parentContext = trace.setSpan(context.active(), root);
  const linked = { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceFlags: TraceFlags.SAMPLED };
  const child = tracer.startSpan(
    'SELECT carts',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 300_000_000],
      attributes: { 'db.system': 'sqlite' },
      links: [{ context: linked, attributes: { 'link.reason': 'retry' } }],
    },
    parentContext,
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end([1_700_000_000, 900_000_000]);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end([1_700_000_001, 999_999_999]);
  return exporter.getFinishedSpans();
}

/** Log records from the real SDK: one inside the sample trace's root span, one without trace context. */
export function buildSampleLogs(traceSpan: ReadableSpan, serviceName = 'checkout'): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('test-logger', '9.9.9');
  const spanContext = traceSpan.spanContext();
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'cart is slow',
    attributes: { user_id: 'user-42', 'retry.count': 3 },
    timestamp: [1_700_000_000, 500_000_007],
    observedTimestamp: [1_700_000_000, 600_000_000],
    context: trace.setSpanContext(context.active(), spanContext),
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { message: 'structured', nested: { depth: 1 }, bytes: new Uint8Array([1, 2, 3]), list: [1, 'two'] },
    attributes: { 'enduser.id': 'user-7' },
    timestamp: [1_700_000_002, 0],
  });
  return exporter.getFinishedLogRecords();
}

/** The URL of a port on 127.0.0.1 that nothing listens on (bound, read, closed): a collector that is not running. */
export function closedPortUrl(): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

/** GETs a URL and returns status + parsed JSON body. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** POSTs a body to the receiver. */
export async function post(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string | null; body: Uint8Array }> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : Buffer.from(body), headers });
  return { status: response.status, contentType: response.headers.get('content-type'), body: new Uint8Array(await response.arrayBuffer()) };
}
