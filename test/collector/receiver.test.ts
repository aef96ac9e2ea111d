/**
 * The OTLP/HTTP receiver end to end: the official OTel JS exporters (JSON, with and without gzip),
 * the official protobuf serializers posted over HTTP, stored values read back exactly, and the
 * spec's status codes (400/404/405/413/415, partial success).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { ProtoWriter } from '../../packages/otel-local/src/protobuf/wire';
import { BIG_INT_ATTRIBUTE, buildSampleLogs, buildSampleSpans, getJson, hrTimeToNanos, post, startTestCollector } from './helpers';

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression']>;
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let collector: RunningCollector;

before(async () => {
  collector = await startTestCollector({ maxBodyBytes: 64 * 1024 });
});
after(() => collector.close());

function exportWith(exporter: { export(items: any[], done: (result: ExportResult) => void): void }, items: unknown[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items as any[], resolve));
}

async function storedTrace(traceId: string) {
  const { status, body } = await getJson(`${collector.queryUrl}/api/trace/${traceId}`);
  assert.equal(status, 200, `trace ${traceId} stored`);
  return body;
}

/** Checks one stored sample trace against the SDK spans it came from. */
async function assertStoredExactly(spans: ReturnType<typeof buildSampleSpans>) {
  const root = spans.find((span) => !span.parentSpanContext)!;
  const child = spans.find((span) => span.parentSpanContext)!;
  const trace = await storedTrace(root.spanContext().traceId);
  assert.equal(trace.spans.length, 2);
  const [storedRoot, storedChild] = trace.spans;
  assert.equal(storedRoot.spanId, root.spanContext().spanId);
  assert.equal(storedRoot.startTimeUnixNano, hrTimeToNanos(root.startTime));
  assert.equal(storedRoot.endTimeUnixNano, hrTimeToNanos(root.endTime));
  assert.equal(storedRoot.durationNano, '1876543210');
  assert.equal(storedRoot.kind, 'server');
  assert.deepEqual(storedRoot.status, { code: 'ok', message: '' });
  assert.equal(storedRoot.attributes['cart.big'], String(BigInt(BIG_INT_ATTRIBUTE)), 'int64 beyond 2^53 kept exact as a string');
  assert.equal(storedRoot.attributes['cart.ratio'], 0.25);
  assert.equal(storedRoot.attributes['cart.negative'], -7);
  assert.deepEqual(storedRoot.attributes['numbers.list'], [1, 2.5]);
  assert.equal(storedRoot.attributes['feature.enabled'], true);
  assert.deepEqual(storedRoot.events, [{ name: 'cache.miss', timeUnixNano: '1700000000200000001', attributes: { 'cache.key': 'cart:42', attempt: 2 } }]);
  assert.equal(storedRoot.resource['service.version'], '1.2.3');
  assert.deepEqual(storedRoot.scope, { name: 'test-scope', version: '0.1.0' });
  assert.equal(storedChild.parentSpanId, root.spanContext().spanId);
  assert.deepEqual(storedChild.status, { code: 'error', message: 'boom' });
  assert.deepEqual(storedChild.links, [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: { 'link.reason': 'retry' } }]);
  assert.equal(child.spanContext().spanId, storedChild.spanId);
  // The OTLP JSON view (api_v3) keeps the typed int64 and the nanosecond strings.
  const v3 = await getJson(`${collector.queryUrl}/api/v3/traces/${root.spanContext().traceId}`);
  const v3Root = v3.body.result.resourceSpans[0].scopeSpans[0].spans.find((span: any) => span.spanId === root.spanContext().spanId);
  assert.deepEqual(v3Root.attributes.find((attribute: any) => attribute.key === 'cart.big').value, { intValue: String(BigInt(BIG_INT_ATTRIBUTE)) });
  assert.equal(v3Root.startTimeUnixNano, '1700000000123456789');
}

describe('official exporters', () => {
  it('OTLPTraceExporter (JSON) is stored exactly', async () => {
    const spans = buildSampleSpans('exporter-json');
    const exporter = new OTLPTraceExporter({ url: `${collector.otlpUrl}/v1/traces` });
    const result = await exportWith(exporter, spans);
    assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
    await exporter.shutdown();
    await assertStoredExactly(spans);
  });

  it('OTLPTraceExporter (JSON + gzip) is stored exactly', async () => {
    const spans = buildSampleSpans('exporter-gzip');
    const exporter = new OTLPTraceExporter({ url: `${collector.otlpUrl}/v1/traces`, compression: 'gzip' as Compression });
    const result = await exportWith(exporter, spans);
    assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
    await exporter.shutdown();
    await assertStoredExactly(spans);
  });

  it('OTLPLogExporter (JSON) stores log records linked to their trace', async () => {
    const spans = buildSampleSpans('logs-service');
    const root = spans.find((span) => !span.parentSpanContext)!;
    const exporter = new OTLPLogExporter({ url: `${collector.otlpUrl}/v1/logs` });
    const result = await exportWith(exporter, buildSampleLogs(root, 'logs-service'));
    assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
    await exporter.shutdown();
    const { body } = await getJson(`${collector.queryUrl}/api/logs?traceId=${root.spanContext().traceId}`);
    assert.equal(body.logs.length, 1);
    const [log] = body.logs;
    assert.equal(log.timeUnixNano, '1700000000500000007');
    assert.equal(log.observedTimeUnixNano, '1700000000600000000');
    assert.equal(log.body, 'cart is slow');
    assert.equal(log.userId, 'user-42');
    assert.equal(log.spanId, root.spanContext().spanId);
    assert.equal(log.serviceName, 'logs-service');
    assert.equal(log.traceKnown, false, 'spans of this trace were never sent');
    const structured = await getJson(`${collector.queryUrl}/api/logs?userId=user-7`);
    assert.deepEqual(structured.body.logs[0].body, { message: 'structured', nested: { depth: 1 }, bytes: 'AQID', list: [1, 'two'] });
  });
});

describe('protobuf over HTTP', () => {
  for (const gzip of [false, true]) {
    it(`official protobuf serializer${gzip ? ' + gzip' : ''} is stored exactly; empty protobuf response`, async () => {
      const spans = buildSampleSpans(`proto-${gzip}`);
      const raw = ProtobufTraceSerializer.serializeRequest(spans)!;
      const response = await post(
        `${collector.otlpUrl}/v1/traces`,
        gzip ? gzipSync(raw) : raw,
        gzip ? { ...PROTOBUF, 'Content-Encoding': 'gzip' } : PROTOBUF,
      );
      assert.equal(response.status, 200);
      assert.equal(response.contentType, 'application/x-protobuf');
      assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(response.body), {});
      await assertStoredExactly(spans);
    });
  }

  it('protobuf logs are stored', async () => {
    const spans = buildSampleSpans('proto-logs');
    const root = spans.find((span) => !span.parentSpanContext)!;
    const response = await post(`${collector.otlpUrl}/v1/logs`, ProtobufLogsSerializer.serializeRequest(buildSampleLogs(root, 'proto-logs'))!, PROTOBUF);
    assert.equal(response.status, 200);
    const { body } = await getJson(`${collector.queryUrl}/api/logs?traceId=${root.spanContext().traceId}`);
    assert.equal(body.logs[0].severityText, 'WARN');
    assert.equal(body.logs[0].severityNumber, 13);
  });

  it('resending the same spans stores them once', async () => {
    const spans = buildSampleSpans('duplicates');
    const raw = ProtobufTraceSerializer.serializeRequest(spans)!;
    const before = collector.stats.spansDuplicate;
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, raw, PROTOBUF)).status, 200);
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, raw, PROTOBUF)).status, 200);
    const trace = await storedTrace(spans[0]!.spanContext().traceId);
    assert.equal(trace.spans.length, 2);
    assert.equal(collector.stats.spansDuplicate - before, 2);
    const summary = await getJson(`${collector.queryUrl}/api/summaries?service=duplicates`);
    assert.equal(summary.body.traces[0].spanCount, 2);
  });
});

describe('partial success', () => {
  const badRequest = {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'good', startTimeUnixNano: '1', endTimeUnixNano: '2' },
              { traceId: '0af7651916cd43dd8448eb21', spanId: 'b7ad6b7169203332', name: 'bad id length' },
            ],
          },
        ],
      },
    ],
  };

  it('JSON: rejected spans are counted, the rest stored', async () => {
    const response = await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(badRequest), JSON_TYPE);
    assert.equal(response.status, 200);
    const body = JSON.parse(Buffer.from(response.body).toString());
    assert.equal(body.partialSuccess.rejectedSpans, '1');
    assert.match(body.partialSuccess.errorMessage, /traceId must be 32 hex chars/);
    const stored = await storedTrace('0af7651916cd43dd8448eb211c80319c');
    assert.deepEqual(stored.spans.map((span: any) => span.name), ['good']);
  });

  it('protobuf response carries partialSuccess when a span id is invalid', async () => {
    // Hand-built ExportTraceServiceRequest with one span whose span_id has 3 bytes.
    const span = new ProtoWriter().bytesField(1, Buffer.alloc(16, 1)).bytesField(2, Buffer.from([1, 2, 3])).stringField(5, 'bad').finish();
    const scopeSpans = new ProtoWriter().bytesField(2, span).finish();
    const resourceSpans = new ProtoWriter().bytesField(2, scopeSpans).finish();
    const request = new ProtoWriter().bytesField(1, resourceSpans).finish();
    const response = await post(`${collector.otlpUrl}/v1/traces`, request, PROTOBUF);
    assert.equal(response.status, 200);
    const decoded = ProtobufTraceSerializer.deserializeResponse(response.body);
    assert.equal(Number(decoded.partialSuccess?.rejectedSpans), 1);
    assert.match(decoded.partialSuccess?.errorMessage ?? '', /spanId must be 8 bytes \(actual: 3 bytes\)/);
  });
});

describe('error statuses', () => {
  it('400 for an undecodable body, in the request encoding', async () => {
    const json = await post(`${collector.otlpUrl}/v1/traces`, '{not json', JSON_TYPE);
    assert.equal(json.status, 400);
    assert.match(JSON.parse(Buffer.from(json.body).toString()).message, /invalid JSON/);
    const proto = await post(`${collector.otlpUrl}/v1/traces`, Uint8Array.from([0x0a, 0x05, 0x01]), PROTOBUF);
    assert.equal(proto.status, 400);
    assert.equal(proto.contentType, 'application/x-protobuf');
    const badGzip = await post(`${collector.otlpUrl}/v1/traces`, 'not gzip', { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    assert.equal(badGzip.status, 400);
  });

  it('413 when the body is too large after decompression (gzip bomb)', async () => {
    const huge = JSON.stringify({ resourceSpans: [], padding: ' '.repeat(1024 * 1024) });
    const compressed = gzipSync(huge);
    assert.ok(compressed.length < 64 * 1024, 'compressed body is under the limit');
    const response = await post(`${collector.otlpUrl}/v1/traces`, compressed, { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    assert.equal(response.status, 413);
    const plain = await post(`${collector.otlpUrl}/v1/traces`, huge, JSON_TYPE);
    assert.equal(plain.status, 413);
  });

  it('415 for an unsupported content type or encoding', async () => {
    const response = await post(`${collector.otlpUrl}/v1/traces`, 'x', { 'Content-Type': 'text/plain' });
    assert.equal(response.status, 415);
    assert.match(JSON.parse(Buffer.from(response.body).toString()).message, /expected application\/x-protobuf or application\/json/);
    const br = await post(`${collector.otlpUrl}/v1/traces`, 'x', { ...JSON_TYPE, 'Content-Encoding': 'br' });
    assert.equal(br.status, 415);
  });

  it('404 for unknown paths, 405 for wrong methods', async () => {
    assert.equal((await post(`${collector.otlpUrl}/v1/unknown`, '{}', JSON_TYPE)).status, 404);
    const get = await fetch(`${collector.otlpUrl}/v1/traces`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('accepts metrics without storing them', async () => {
    const response = await post(`${collector.otlpUrl}/v1/metrics`, '{"resourceMetrics":[]}', JSON_TYPE);
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(Buffer.from(response.body).toString()), {});
  });

  it('health counters reflect what happened', async () => {
    const { body } = await getJson(`${collector.queryUrl}/api/health`);
    assert.equal(body.status, 'ok');
    assert.equal(body.service, 'embedded-otel-collector');
    assert.ok(body.stats.spansStored >= 2);
    assert.ok(body.stats.spansRejected >= 2);
    assert.ok(body.stats.requestsRejected >= 4);
    assert.equal(body.stats.metricsRequests, 1);
    assert.equal(body.stats.stored.spans, body.stats.spansStored);
  });
});
