/**
 * The protobuf and JSON decoders against what the official OTel JS serializers emit for real SDK
 * spans and log records: both must produce the same, exact internal model.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../packages/otel-local/src/otlp/decode-json';
import { decodeLogsRequestProto, decodeTraceRequestProto } from '../../packages/otel-local/src/otlp/decode-proto';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/normalize';
import type { SpanModel } from '../../packages/otel-local/src/otlp/model';
import { BIG_INT_ATTRIBUTE, buildSampleLogs, buildSampleSpans, hrTimeToNanos } from './helpers';

const spans = buildSampleSpans();
const rootSpan = spans.find((span) => !span.parentSpanContext)!;
const childSpan = spans.find((span) => span.parentSpanContext)!;
const logs = buildSampleLogs(rootSpan);

function decodeBoth() {
  const fromProto = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(spans)!);
  const fromJson = decodeTraceRequestJson(JsonTraceSerializer.serializeRequest(spans)!);
  return { fromProto, fromJson };
}

function byName(items: SpanModel[], name: string): SpanModel {
  const span = items.find((item) => item.name === name);
  assert.ok(span, `span ${name} decoded`);
  return span;
}

describe('trace decoders vs official serializers', () => {
  it('protobuf and JSON decode to the same model', () => {
    const { fromProto, fromJson } = decodeBoth();
    assert.equal(fromProto.rejected, 0);
    assert.equal(fromJson.rejected, 0);
    assert.equal(fromProto.items.length, 2);
    assert.deepEqual(fromProto.items, fromJson.items);
  });

  it('keeps ids, 64-bit nanosecond times, kind and status exact', () => {
    const { fromProto } = decodeBoth();
    const root = byName(fromProto.items, 'GET /api/cart');
    const child = byName(fromProto.items, 'SELECT carts');
    assert.equal(root.traceId, rootSpan.spanContext().traceId);
    assert.equal(root.spanId, rootSpan.spanContext().spanId);
    assert.equal(root.parentSpanId, '');
    assert.equal(child.parentSpanId, rootSpan.spanContext().spanId);
    assert.equal(root.startTimeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(root.endTimeUnixNano, 1_700_000_001_999_999_999n);
    assert.equal(root.startTimeUnixNano.toString(), hrTimeToNanos(rootSpan.startTime));
    assert.equal(child.endTimeUnixNano.toString(), hrTimeToNanos(childSpan.endTime));
    assert.equal(root.kind, 2); // SERVER (API kind + 1)
    assert.equal(child.kind, 3); // CLIENT
    assert.deepEqual([root.statusCode, root.statusMessage], [1, '']);
    assert.deepEqual([child.statusCode, child.statusMessage], [2, 'boom']);
    assert.equal(root.flags & 0xff, 1); // sampled
  });

  it('keeps attributes of every type exact', () => {
    const { fromProto } = decodeBoth();
    const root = byName(fromProto.items, 'GET /api/cart');
    const attributes = Object.fromEntries(root.attributes.map((attribute) => [attribute.key, attribute.value]));
    assert.deepEqual(attributes, {
      'http.method': { stringValue: 'GET' },
      'http.status_code': { intValue: '200' },
      'user.id': { stringValue: 'user-42' },
      'cart.ratio': { doubleValue: 0.25 },
      'cart.negative': { intValue: '-7' },
      'cart.big': { intValue: BigInt(BIG_INT_ATTRIBUTE).toString() },
      'feature.enabled': { boolValue: true },
      'tags.list': { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
      'numbers.list': { arrayValue: { values: [{ intValue: '1' }, { doubleValue: 2.5 }] } },
      'flags.list': { arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } },
    });
  });

  it('keeps events, links, resource and scope', () => {
    const { fromProto } = decodeBoth();
    const root = byName(fromProto.items, 'GET /api/cart');
    const child = byName(fromProto.items, 'SELECT carts');
    assert.deepEqual(root.events, [
      {
        timeUnixNano: '1700000000200000001',
        name: 'cache.miss',
        attributes: [
          { key: 'cache.key', value: { stringValue: 'cart:42' } },
          { key: 'attempt', value: { intValue: '2' } },
        ],
      },
    ]);
    assert.equal(child.links.length, 1);
    assert.equal(child.links[0]!.traceId, 'a'.repeat(32));
    assert.equal(child.links[0]!.spanId, 'b'.repeat(16));
    assert.deepEqual(child.links[0]!.attributes, [{ key: 'link.reason', value: { stringValue: 'retry' } }]);
    assert.equal(root.resource.serviceName, 'checkout');
    assert.deepEqual(
      root.resource.attributes.find((attribute) => attribute.key === 'host.cores'),
      { key: 'host.cores', value: { intValue: '2' } },
    );
    assert.deepEqual([root.scope.name, root.scope.version], ['test-scope', '0.1.0']);
    assert.equal(root.resource, child.resource, 'one resource object per ResourceSpans');
  });
});

describe('log decoders vs official serializers', () => {
  it('protobuf and JSON decode to the same exact model', () => {
    const fromProto = decodeLogsRequestProto(ProtobufLogsSerializer.serializeRequest(logs)!);
    const fromJson = decodeLogsRequestJson(JsonLogsSerializer.serializeRequest(logs)!);
    assert.deepEqual(fromProto, fromJson);
    assert.equal(fromProto.items.length, 2);
    const [inTrace, structured] = fromProto.items;
    assert.equal(inTrace!.traceId, rootSpan.spanContext().traceId);
    assert.equal(inTrace!.spanId, rootSpan.spanContext().spanId);
    assert.equal(inTrace!.timeUnixNano, 1_700_000_000_500_000_007n);
    assert.equal(inTrace!.observedTimeUnixNano, 1_700_000_000_600_000_000n);
    assert.deepEqual([inTrace!.severityNumber, inTrace!.severityText], [13, 'WARN']);
    assert.deepEqual(inTrace!.body, { stringValue: 'cart is slow' });
    assert.equal(structured!.traceId, '');
    assert.deepEqual(structured!.body, {
      kvlistValue: {
        values: [
          { key: 'message', value: { stringValue: 'structured' } },
          { key: 'nested', value: { kvlistValue: { values: [{ key: 'depth', value: { intValue: '1' } }] } } },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }] } } },
        ],
      },
    });
    assert.deepEqual([structured!.scope.name, structured!.scope.version], ['test-logger', '9.9.9']);
  });
});

describe('decoder edge cases', () => {
  it('rejects truncated protobuf as undecodable', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    assert.throws(() => decodeTraceRequestProto(bytes.subarray(0, bytes.length - 3)), OtlpDecodeError);
    assert.throws(() => decodeTraceRequestProto(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), /truncated|overruns/);
  });

  it('skips unknown protobuf fields', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    // Field 99, varint 1, prepended at top level: must be ignored.
    const withUnknown = Buffer.concat([Buffer.from([0x98, 0x06, 0x01]), bytes]);
    assert.deepEqual(decodeTraceRequestProto(withUnknown).items, decodeTraceRequestProto(bytes).items);
  });

  it('rejects JSON that is not an OTLP request', () => {
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans": 5}'), /resourceSpans must be a list/);
    assert.throws(() => decodeTraceRequestJson('not json'), OtlpDecodeError);
    assert.throws(() => decodeTraceRequestJson('[]'), /must be an object/);
  });

  it('tolerates base64 ids, numeric int64s and enum names in JSON; rejects bad ids per span', () => {
    const traceIdHex = '5b8efff798038103d269b633813fc60c';
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(traceIdHex, 'hex').toString('base64'),
                  spanId: 'EEE19B7EC3C1B174',
                  name: 'ok',
                  kind: 'SPAN_KIND_CONSUMER',
                  startTimeUnixNano: 1_700_000_000_000_000_000,
                  endTimeUnixNano: '1700000000000000999',
                  attributes: [{ key: 'n', value: { intValue: 5 } }],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
                { traceId: 'abc', spanId: 'eee19b7ec3c1b174', name: 'short trace id' },
                { traceId: traceIdHex, spanId: '', name: 'missing span id' },
                { traceId: '0'.repeat(32), spanId: 'eee19b7ec3c1b174', name: 'zero trace id' },
              ],
            },
          ],
        },
      ],
    };
    const batch = decodeTraceRequestJson(JSON.stringify(request));
    assert.equal(batch.items.length, 1);
    assert.equal(batch.rejected, 3);
    assert.match(batch.errors.join('\n'), /traceId must be 32 hex chars/);
    const [span] = batch.items;
    assert.equal(span!.traceId, traceIdHex);
    assert.equal(span!.spanId, 'eee19b7ec3c1b174');
    assert.equal(span!.kind, 5);
    assert.equal(span!.statusCode, 2);
    assert.equal(span!.endTimeUnixNano, 1_700_000_000_000_000_999n);
    assert.deepEqual(span!.attributes, [{ key: 'n', value: { intValue: '5' } }]);
    assert.equal(span!.resource.serviceName, 'svc');
  });
});
