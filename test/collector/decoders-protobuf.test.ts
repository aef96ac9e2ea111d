/**
 * The protobuf decoder on hand-encoded bodies (the encoder here is the test's own, independent of the
 * collector's): wire types, unknown fields, 64-bit values, framing errors (API.md: undecodable -> 400,
 * tags and length prefixes within 32 bits), and invalid UTF-8 counted in the partial-success message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsRequestProto, decodeTraceRequestProto } from '../../packages/otel-local/src/otlp/decode-proto';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/normalize';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function varint(value: bigint | number): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}
const tag = (field: number, wireType: number) => varint(field * 8 + wireType);
const lenField = (field: number, payload: Buffer | string) => {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);
};
const varintField = (field: number, value: bigint | number) => Buffer.concat([tag(field, 0), varint(value)]);
const fixed64Field = (field: number, value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return Buffer.concat([tag(field, 1), bytes]);
};
const fixed32Field = (field: number, value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return Buffer.concat([tag(field, 5), bytes]);
};
const doubleField = (field: number, value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return Buffer.concat([tag(field, 1), bytes]);
};
/** A KeyValue as field `field` of its parent (Resource and KeyValueList: 1, Span: 9). */
const keyValue = (key: string, anyValue: Buffer, field = 9) => lenField(field, Buffer.concat([lenField(1, key), lenField(2, anyValue)]));

/** ExportTraceServiceRequest with one resource (service.name = svc), one scope and these spans. */
function traceBody(spans: Buffer[], resourceExtra: Buffer = Buffer.alloc(0)): Buffer {
  const resource = Buffer.concat([keyValue('service.name', lenField(1, 'svc'), 1), resourceExtra]);
  const scopeSpans = Buffer.concat([lenField(1, lenField(1, 'scope')), ...spans.map((span) => lenField(2, span))]);
  return lenField(1, Buffer.concat([lenField(1, resource), lenField(2, scopeSpans)]));
}

function span(...extra: Buffer[]): Buffer {
  return Buffer.concat([lenField(1, Buffer.from(TRACE_ID, 'hex')), lenField(2, Buffer.from(SPAN_ID, 'hex')), lenField(5, 'op'), ...extra]);
}

function decodeOne(...extra: Buffer[]) {
  const batch = decodeTraceRequestProto(traceBody([span(...extra)]));
  assert.deepEqual(batch.errors, []);
  assert.equal(batch.items.length, 1);
  return batch.items[0]!;
}

function refusal(body: Buffer): string {
  try {
    decodeTraceRequestProto(body);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `an OtlpDecodeError, not ${String(error)}`);
    return error.message;
  }
  assert.fail('the body was accepted');
}

describe('protobuf values', () => {
  it('span fields of every wire type', () => {
    const decoded = decodeOne(
      lenField(3, 'k=v'),
      lenField(4, Buffer.from('0102030405060708', 'hex')),
      fixed32Field(16, 0x301),
      varintField(6, 2),
      fixed64Field(7, 18446744073709551615n),
      fixed64Field(8, 1_700_000_000_000_000_123n),
      varintField(10, 3),
      varintField(12, 4),
      varintField(14, 5),
      lenField(15, Buffer.concat([lenField(2, 'boom'), varintField(3, 2)])),
    );
    assert.equal(decoded.traceId, TRACE_ID);
    assert.equal(decoded.spanId, SPAN_ID);
    assert.equal(decoded.traceState, 'k=v');
    assert.equal(decoded.parentSpanId, '0102030405060708');
    assert.equal(decoded.flags, 0x301);
    assert.equal(decoded.kind, 2);
    assert.equal(decoded.startTimeUnixNano, 18446744073709551615n);
    assert.equal(decoded.endTimeUnixNano, 1_700_000_000_000_000_123n);
    assert.deepEqual([decoded.droppedAttributesCount, decoded.droppedEventsCount, decoded.droppedLinksCount], [3, 4, 5]);
    assert.deepEqual([decoded.statusCode, decoded.statusMessage], [2, 'boom']);
    assert.equal(decoded.resource.serviceName, 'svc');
    assert.equal(decoded.scope.name, 'scope');
  });

  it('attribute values: int64 extremes and negatives, bool, double, bytes, arrays and maps', () => {
    const decoded = decodeOne(
      keyValue('max', varintField(3, 9223372036854775807n)),
      keyValue('min', varintField(3, -9223372036854775808n)),
      keyValue('neg', varintField(3, -5n)),
      keyValue('big-bool', varintField(2, 1n << 40n)),
      keyValue('false', varintField(2, 0)),
      keyValue('double', doubleField(4, 2.5)),
      keyValue('bytes', lenField(7, Buffer.from([1, 2, 3]))),
      keyValue('array', lenField(5, Buffer.concat([lenField(1, lenField(1, 'x')), lenField(1, varintField(3, 7))]))),
      keyValue('map', lenField(6, keyValue('inner', lenField(1, 'y'), 1))),
      keyValue('empty', Buffer.alloc(0)),
    );
    assert.deepEqual(decoded.attributes, [
      { key: 'max', value: { intValue: '9223372036854775807' } },
      { key: 'min', value: { intValue: '-9223372036854775808' } },
      { key: 'neg', value: { intValue: '-5' } },
      { key: 'big-bool', value: { boolValue: true } },
      { key: 'false', value: { boolValue: false } },
      { key: 'double', value: { doubleValue: 2.5 } },
      { key: 'bytes', value: { bytesValue: 'AQID' } },
      { key: 'array', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '7' }] } } },
      { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'y' } }] } } },
      { key: 'empty', value: {} },
    ]);
  });

  it('a negative int32 enum (sign-extended to 10 bytes) keeps its low 32 bits', () => {
    // kind = -1 as int32 is 0xffffffff as the unsigned 32 bits the decoder keeps: not a valid kind, but read without error
    const batch = decodeTraceRequestProto(traceBody([span(varintField(6, -1n))]));
    assert.equal(batch.items[0]!.kind, 0xffffffff);
  });

  it('unknown fields of every wire type are skipped', () => {
    const unknown = Buffer.concat([varintField(99, 1n << 62n), fixed64Field(98, 1n), lenField(97, 'skip me'), fixed32Field(96, 7)]);
    const decoded = decodeOne(unknown, lenField(3, 'after'));
    assert.equal(decoded.traceState, 'after');
    assert.equal(decoded.name, 'op');
  });

  it('log records: times, severity, body, event name, flags, trace context', () => {
    const record = Buffer.concat([
      fixed64Field(1, 7n),
      fixed64Field(11, 8n),
      varintField(2, 9),
      lenField(3, 'INFO'),
      lenField(5, lenField(1, 'hello')),
      fixed32Field(8, 1),
      lenField(9, Buffer.from(TRACE_ID, 'hex')),
      lenField(10, Buffer.from(SPAN_ID, 'hex')),
      lenField(12, 'my.event'),
    ]);
    const body = lenField(1, lenField(2, lenField(2, record)));
    const batch = decodeLogsRequestProto(body);
    assert.deepEqual(batch.errors, []);
    const [decoded] = batch.items;
    assert.deepEqual(
      [decoded!.timeUnixNano, decoded!.observedTimeUnixNano, decoded!.severityNumber, decoded!.severityText, decoded!.body, decoded!.flags, decoded!.traceId, decoded!.spanId, decoded!.eventName],
      [7n, 8n, 9, 'INFO', { stringValue: 'hello' }, 1, TRACE_ID, SPAN_ID, 'my.event'],
    );
    assert.equal(decoded!.resource.serviceName, 'unknown_service');
  });

  it('a span id of the wrong length rejects only its span', () => {
    const bad = Buffer.concat([lenField(1, Buffer.from(TRACE_ID, 'hex')), lenField(2, Buffer.from('0102', 'hex'))]);
    const batch = decodeTraceRequestProto(traceBody([bad, span()]));
    assert.equal(batch.items.length, 1);
    assert.equal(batch.rejected, 1);
    assert.deepEqual(batch.errors, ['span rejected: spanId must be 8 bytes (actual: 2 bytes)']);
  });
});

describe('protobuf text', () => {
  it('short and long strings, ASCII or not, decode as UTF-8', () => {
    const long = 'x'.repeat(40);
    const decoded = decodeOne(keyValue('short', lenField(1, 'é')), keyValue('long', lenField(1, `${long}é`)), keyValue('ascii32', lenField(1, 'y'.repeat(32))));
    assert.deepEqual(
      decoded.attributes.map((attribute) => attribute.value),
      [{ stringValue: 'é' }, { stringValue: `${long}é` }, { stringValue: 'y'.repeat(32) }],
    );
  });

  it('invalid UTF-8 is stored with U+FFFD and counted once per string, in short and long strings', () => {
    const bad = Buffer.from([0x61, 0xff, 0x62]);
    const longBad = Buffer.concat([Buffer.from('z'.repeat(40)), Buffer.from([0xc3])]);
    const batch = decodeTraceRequestProto(traceBody([span(keyValue('a', lenField(1, bad)), keyValue('b', lenField(1, longBad)))]));
    assert.equal(batch.items.length, 1);
    assert.equal(batch.rejected, 0);
    assert.deepEqual(
      batch.items[0]!.attributes.map((attribute) => attribute.value),
      [{ stringValue: 'a\ufffdb' }, { stringValue: `${'z'.repeat(40)}\ufffd` }],
    );
    assert.deepEqual(batch.errors, ['string fields not valid UTF-8, stored with U+FFFD in place of the bad bytes (actual: 2 invalid), expected UTF-8']);
  });
});

describe('protobuf framing (400 naming the problem)', () => {
  it('a truncated varint, an overlong varint, a truncated payload, an unsupported wire type', () => {
    // field 99 is unknown: the reader skips it by its wire type
    assert.equal(refusal(Buffer.concat([tag(99, 0), Buffer.from([0x80])])), 'invalid protobuf ExportTraceServiceRequest: truncated varint');
    // A body cut inside a tag or a length prefix (read past the end, a varint would end as 0).
    assert.equal(refusal(Buffer.from([0x80])), 'invalid protobuf ExportTraceServiceRequest: truncated varint');
    assert.equal(refusal(Buffer.concat([tag(1, 2), Buffer.from([0x85])])), 'invalid protobuf ExportTraceServiceRequest: truncated varint');
    assert.equal(refusal(Buffer.concat([tag(99, 0), Buffer.alloc(10, 0xff), Buffer.from([0x01])])), 'invalid protobuf ExportTraceServiceRequest: varint longer than 10 bytes');
    assert.equal(refusal(Buffer.from([0x0a, 0x05, 0x01])), 'invalid protobuf ExportTraceServiceRequest: truncated message: need 5 bytes at offset 2, only 1 left');
    assert.equal(refusal(Buffer.concat([tag(99, 1), Buffer.from([0x01])])), 'invalid protobuf ExportTraceServiceRequest: truncated message: need 8 bytes at offset 2, only 1 left');
    assert.equal(refusal(Buffer.concat([tag(99, 5), Buffer.from([0x01])])), 'invalid protobuf ExportTraceServiceRequest: truncated message: need 4 bytes at offset 2, only 1 left');
    assert.equal(refusal(tag(99, 3)), 'invalid protobuf ExportTraceServiceRequest: unsupported wire type 3 at offset 2');
    assert.equal(refusal(Buffer.from([0x08, 0x01])), 'invalid protobuf ExportTraceServiceRequest: ExportTraceServiceRequest.resourceSpans (field 1) has wire type 0, expected 2');
  });

  it('a length prefix of 2^32 + 5 is refused, not read as 5; 2^32 - 1 is the largest one read', () => {
    const body = Buffer.concat([tag(1, 2), varint(2 ** 32 + 5), Buffer.alloc(5)]);
    assert.equal(refusal(body), 'invalid protobuf ExportTraceServiceRequest: length prefix at offset 1 out of range (actual: 4294967301), expected at most 4294967295');
    const largest = Buffer.concat([tag(1, 2), varint(2 ** 32 - 1)]);
    assert.equal(refusal(largest), 'invalid protobuf ExportTraceServiceRequest: truncated message: need 4294967295 bytes at offset 6, only 0 left');
  });

  it('a tag beyond 32 bits is refused', () => {
    assert.equal(refusal(Buffer.concat([varint(2n ** 35n), Buffer.from([0x00])])), 'invalid protobuf ExportTraceServiceRequest: tag at offset 0 out of range (actual: 34359738368), expected at most 4294967295');
  });

  it('a framing error inside a span fails the request', () => {
    const brokenSpan = Buffer.concat([lenField(1, Buffer.from(TRACE_ID, 'hex')), Buffer.from([0x12, 0x09, 0x01])]);
    const scopeSpans = Buffer.concat([tag(2, 2), varint(brokenSpan.length), brokenSpan]);
    const body = lenField(1, lenField(2, scopeSpans));
    assert.match(refusal(body), /^invalid protobuf (Span|ExportTraceServiceRequest): truncated message: need 9 bytes/);
  });
});
