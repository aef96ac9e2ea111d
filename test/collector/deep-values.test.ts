/**
 * A deeply nested attribute value (issue 10, item 3) rejects only its own span, the same way in
 * protobuf and JSON, and the message states the real limit (32 levels of arrayValue/kvlistValue).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { ProtoWriter } from '../../packages/otel-local/src/protobuf/wire';
import { getJson, post, startTestCollector } from './helpers';

let collector: RunningCollector;
before(async () => {
  collector = await startTestCollector();
});
after(() => collector.close());

/** A JSON AnyValue nesting `levels` maps (or arrays) around a string. */
function deepJson(levels: number, kind: 'map' | 'array'): any {
  let value: any = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = kind === 'map' ? { kvlistValue: { values: [{ key: 'k', value }] } } : { arrayValue: { values: [value] } };
  return value;
}

/** The same value in protobuf. */
function deepProto(levels: number, kind: 'map' | 'array'): Uint8Array {
  let value = new ProtoWriter().stringField(1, 'leaf').finish();
  for (let i = 0; i < levels; i++) {
    value = kind === 'map'
      ? new ProtoWriter().bytesField(6, new ProtoWriter().bytesField(1, new ProtoWriter().stringField(1, 'k').bytesField(2, value).finish()).finish()).finish()
      : new ProtoWriter().bytesField(5, new ProtoWriter().bytesField(1, value).finish()).finish();
  }
  return value;
}

let traceNumber = 0;
function ids() {
  traceNumber++;
  return { traceId: traceNumber.toString(16).padStart(32, 'd'), deep: 'a1'.repeat(8), sibling: 'b2'.repeat(8) };
}

async function sendJson(levels: number, kind: 'map' | 'array') {
  const { traceId, deep, sibling } = ids();
  const span = (spanId: string, name: string, attributes: any[]) => ({ traceId, spanId, name, startTimeUnixNano: '1', endTimeUnixNano: '2', attributes });
  const request = { resourceSpans: [{ scopeSpans: [{ spans: [span(deep, 'deep', [{ key: 'deep', value: deepJson(levels, kind) }]), span(sibling, 'sibling', [])] }] }] };
  const response = await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(request), { 'Content-Type': 'application/json' });
  const body = JSON.parse(Buffer.from(response.body).toString());
  return { traceId, status: response.status, rejected: Number(body.partialSuccess?.rejectedSpans ?? 0), message: body.partialSuccess?.errorMessage ?? '' };
}

async function sendProto(levels: number, kind: 'map' | 'array') {
  const { traceId, deep, sibling } = ids();
  const span = (spanId: string, name: string, attribute?: Uint8Array) => {
    const writer = new ProtoWriter().bytesField(1, Buffer.from(traceId, 'hex')).bytesField(2, Buffer.from(spanId, 'hex')).stringField(5, name);
    return (attribute ? writer.bytesField(9, new ProtoWriter().stringField(1, 'deep').bytesField(2, attribute).finish()) : writer).finish();
  };
  const scope = new ProtoWriter().bytesField(2, span(deep, 'deep', deepProto(levels, kind))).bytesField(2, span(sibling, 'sibling')).finish();
  const request = new ProtoWriter().bytesField(1, new ProtoWriter().bytesField(2, scope).finish()).finish();
  const response = await post(`${collector.otlpUrl}/v1/traces`, request, { 'Content-Type': 'application/x-protobuf' });
  const decoded = response.status === 200 ? ProtobufTraceSerializer.deserializeResponse(response.body) : undefined;
  return { traceId, status: response.status, rejected: Number(decoded?.partialSuccess?.rejectedSpans ?? 0), message: decoded?.partialSuccess?.errorMessage ?? '' };
}

for (const [encoding, send] of [['protobuf', sendProto], ['JSON', sendJson]] as const) {
  describe(`${encoding}: deeply nested attribute values`, () => {
    for (const kind of ['map', 'array'] as const) {
      for (const levels of [20, 33, 200]) {
        it(`a ${kind} nested ${levels} levels rejects only its span when over 32`, async () => {
          const result = await send(levels, kind);
          assert.equal(result.status, 200);
          const stored = await getJson(`${collector.queryUrl}/api/trace/${result.traceId}`);
          const names = stored.body.spans.map((span: any) => span.name).sort();
          if (levels <= 32) {
            assert.equal(result.rejected, 0, result.message);
            assert.deepEqual(names, ['deep', 'sibling']);
          } else {
            assert.equal(result.rejected, 1);
            assert.match(result.message, /nested deeper than 32 levels of arrayValue\/kvlistValue \(limit: 32\)/);
            assert.deepEqual(names, ['sibling']);
          }
        });
      }
      it(`a ${kind} nested exactly 32 levels is kept`, async () => {
        const result = await send(32, kind);
        assert.equal(result.status, 200);
        assert.equal(result.rejected, 0, result.message);
      });
    }
  });
}
