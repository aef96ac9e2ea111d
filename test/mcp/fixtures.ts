/**
 * Telemetry for the MCP tests, made with the real OTel SDK and sent by the real OTLP exporters:
 * a page request of user alice across two services with a failed query (exception event) and log
 * lines, a static-asset request, and a trace too big for one tool result.
 */
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Context, HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Fixture time zero: 2023-11-14T22:13:20Z. */
const T0 = 1_700_000_000;
const at = (millis: number): HrTime => [T0 + Math.floor(millis / 1000), (millis % 1000) * 1_000_000];

/** Ids and names the tests assert on. */
export interface Fixture {
  pageTraceId: string;
  staticTraceId: string;
  bigTraceId: string;
  spanIds: Record<'root' | 'load' | 'stock' | 'select' | 'render', string>;
  /** Spans in the big trace (its root included). */
  bigSpanCount: number;
}

function tracerOf(service: string, exporter: InMemorySpanExporter) {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return provider.getTracer('mcp-test', '1.0.0');
}

/** Sends the fixture telemetry to the collector's receiver at `otlpUrl` and returns its ids. */
export async function sendFixture(otlpUrl: string): Promise<Fixture> {
  const spanExporter = new InMemorySpanExporter();
  const shop = tracerOf('shop', spanExporter);
  const inventory = tracerOf('inventory', spanExporter);
  const within = (span: ReturnType<typeof shop.startSpan>): Context => trace.setSpan(context.active(), span);

  // GET /orders (0-1000 ms): load orders (50-700) with a parallel-free inventory call (60-90) and a
  // failed SELECT (100-650), then render (720-950).
  const root = shop.startSpan('GET /orders', { kind: SpanKind.SERVER, startTime: at(0), attributes: { 'user.id': 'alice', 'http.route': '/orders', 'next.entry_point': 'page' } });
  const load = shop.startSpan('load orders', { startTime: at(50) }, within(root));
  const stock = inventory.startSpan('GET /stock', { kind: SpanKind.SERVER, startTime: at(60) }, within(load));
  stock.end(at(90));
  const select = shop.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: at(100), attributes: { 'db.system': 'postgresql' } }, within(load));
  select.recordException(new Error('db timeout'), at(640));
  select.setStatus({ code: SpanStatusCode.ERROR, message: 'db timeout' });
  select.end(at(650));
  load.end(at(700));
  const render = shop.startSpan('render', { startTime: at(720) }, within(root));
  render.end(at(950));
  root.end(at(1000));

  const asset = shop.startSpan('GET /_next/static/chunks/main.js', { kind: SpanKind.SERVER, startTime: at(2000), attributes: { 'url.path': '/_next/static/chunks/main.js' } });
  asset.end(at(2001));

  // 600 children with long names: far more than one tool result may carry.
  const big = shop.startSpan('GET /report', { kind: SpanKind.SERVER, startTime: at(3000) });
  const bigChildren = 600;
  for (let index = 0; index < bigChildren; index++) {
    shop.startSpan(`compute report section ${index} with a deliberately long descriptive span name`, { startTime: at(3001) }, within(big)).end(at(3002));
  }
  big.end(at(3500));

  const logExporter = new InMemoryLogRecordExporter();
  const logger = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] }).getLogger('mcp-test');
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'loading orders', attributes: { user_id: 'alice' }, timestamp: at(55), context: within(load) });
  logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'query failed', attributes: { user_id: 'alice' }, timestamp: at(645), context: within(select) });

  await exportAll(otlpUrl, spanExporter.getFinishedSpans(), logExporter);
  return {
    pageTraceId: root.spanContext().traceId,
    staticTraceId: asset.spanContext().traceId,
    bigTraceId: big.spanContext().traceId,
    spanIds: { root: root.spanContext().spanId, load: load.spanContext().spanId, stock: stock.spanContext().spanId, select: select.spanContext().spanId, render: render.spanContext().spanId },
    bigSpanCount: bigChildren + 1,
  };
}

/**
 * A slower GET /orders of user bob, 100 s after the fixture: SELECT orders takes 1 s longer, the
 * inventory call is missing and a cache lookup is added; render takes as long. Returns its trace id.
 */
export async function sendSlowerOrders(otlpUrl: string): Promise<string> {
  const exporter = new InMemorySpanExporter();
  const shop = tracerOf('shop', exporter);
  const within = (span: ReturnType<typeof shop.startSpan>): Context => trace.setSpan(context.active(), span);
  const later = (millis: number) => at(100_000 + millis);
  const root = shop.startSpan('GET /orders', { kind: SpanKind.SERVER, startTime: later(0), attributes: { 'user.id': 'bob', 'http.route': '/orders' } });
  const load = shop.startSpan('load orders', { startTime: later(50) }, within(root));
  shop.startSpan('cache lookup', { startTime: later(70) }, within(load)).end(later(105));
  shop.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: later(110) }, within(load)).end(later(1660));
  load.end(later(1700));
  shop.startSpan('render', { startTime: later(1720) }, within(root)).end(later(1950));
  root.end(later(2000));
  await exportAll(otlpUrl, exporter.getFinishedSpans(), new InMemoryLogRecordExporter());
  return root.spanContext().traceId;
}

async function exportAll(otlpUrl: string, spans: ReadableSpan[], logs: InMemoryLogRecordExporter): Promise<void> {
  const traceExporter = new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` });
  const logExporter = new OTLPLogExporter({ url: `${otlpUrl}/v1/logs` });
  const settle = (resolve: () => void, reject: (error: Error) => void) => (result: { code: number; error?: Error }) =>
    result.code === 0 ? resolve() : reject(new Error(`OTLP export failed: ${result.error?.message}`));
  await new Promise<void>((resolve, reject) => traceExporter.export(spans, settle(resolve, reject)));
  await new Promise<void>((resolve, reject) => logExporter.export(logs.getFinishedLogRecords(), settle(resolve, reject)));
  await traceExporter.shutdown();
  await logExporter.shutdown();
}
