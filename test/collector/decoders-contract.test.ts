/**
 * The OTLP decoders against the receiver's documented contract (API.md, "Receiver"), at unit level:
 * which items are rejected and how the rejection reads, the per-request cost bounds at their exact
 * limits, int64/uint32/uint64 ranges, doubles, enums by name, ids, and the response bodies an
 * exporter reads back (partial success, google.rpc.Status). Literal values throughout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../packages/otel-local/src/otlp/decode-json';
import { decodeLogsRequestProto, decodeTraceRequestProto } from '../../packages/otel-local/src/otlp/decode-proto';
import { contentTypeOf, encodeErrorStatus, encodeExportResponse } from '../../packages/otel-local/src/otlp/encode-response';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/normalize';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

type Json = Record<string, unknown>;

function traceRequest(spans: Json[], resource: Json = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scope?: Json): string {
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] });
}

function span(extra: Json = {}): Json {
  return { traceId: TRACE_ID, spanId: SPAN_ID, name: 'op', ...extra };
}

/** Decodes one span from JSON; fails the test when it is rejected. */
function decodeOne(extra: Json) {
  const batch = decodeTraceRequestJson(traceRequest([span(extra)]));
  assert.deepEqual(batch.errors, []);
  assert.equal(batch.items.length, 1);
  return batch.items[0]!;
}

/** The rejection message of one span decoded from JSON. */
function rejectionOf(extra: Json): string {
  const batch = decodeTraceRequestJson(traceRequest([span(extra)]));
  assert.equal(batch.items.length, 0);
  assert.equal(batch.rejected, 1);
  assert.equal(batch.errors.length, 1);
  return batch.errors[0]!;
}

function attribute(value: Json): Json {
  return { attributes: [{ key: 'a', value }] };
}

describe('ids', () => {
  it('hex ids are stored lowercase; a parent of all zeros or none makes a root span', () => {
    const child = decodeOne({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), parentSpanId: 'ABCDEF0123456789' });
    assert.equal(child.traceId, TRACE_ID);
    assert.equal(child.spanId, SPAN_ID);
    assert.equal(child.parentSpanId, 'abcdef0123456789');
    assert.equal(decodeOne({ parentSpanId: '0000000000000000' }).parentSpanId, '');
    assert.equal(decodeOne({ parentSpanId: '' }).parentSpanId, '');
    assert.equal(decodeOne({}).parentSpanId, '');
  });

  it('rejects a span whose ids are missing, all zeros, of the wrong length or not ids, naming the field', () => {
    assert.equal(rejectionOf({ traceId: undefined }), 'span rejected: traceId is required');
    assert.equal(rejectionOf({ spanId: '0000000000000000' }), 'span rejected: spanId must not be all zeros');
    assert.equal(rejectionOf({ traceId: '0'.repeat(32) }), 'span rejected: traceId must not be all zeros');
    assert.equal(rejectionOf({ spanId: 'abc' }), 'span rejected: spanId must be 16 hex chars (actual: "abc")');
    assert.equal(rejectionOf({ traceId: 42 }), 'span rejected: traceId must be an id string or bytes (actual: number)');
    assert.equal(rejectionOf({ parentSpanId: 'zz' }), 'span rejected: parentSpanId must be 16 hex chars (actual: "zz")');
  });

  it('log records may have no trace context; zeros mean none', () => {
    const request = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'no context' } },
                { traceId: '0'.repeat(32), spanId: '0'.repeat(16), body: { stringValue: 'zeros' } },
                { traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID, body: { stringValue: 'linked' } },
                { traceId: 'nope', body: { stringValue: 'bad id' } },
              ],
            },
          ],
        },
      ],
    };
    const batch = decodeLogsRequestJson(JSON.stringify(request));
    assert.deepEqual(
      batch.items.map((record) => [record.traceId, record.spanId]),
      [['', ''], ['', ''], [TRACE_ID, SPAN_ID]],
    );
    assert.equal(batch.rejected, 1);
    assert.deepEqual(batch.errors, ['log record rejected: traceId must be 32 hex chars (actual: "nope")']);
  });
});

describe('rejections', () => {
  it('counts every rejected item but reports the first 5 messages; the valid items are kept', () => {
    const bad = Array.from({ length: 7 }, (_, index) => ({ traceId: TRACE_ID, spanId: `bad${index}`, name: `bad ${index}` }));
    const batch = decodeTraceRequestJson(traceRequest([span({ name: 'first' }), ...bad, span({ name: 'last', spanId: '1111111111111111' })]));
    assert.deepEqual(
      batch.items.map((item) => item.name),
      ['first', 'last'],
    );
    assert.equal(batch.rejected, 7);
    assert.deepEqual(batch.errors, [0, 1, 2, 3, 4].map((index) => `span rejected: spanId must be 16 hex chars (actual: "bad${index}")`));
  });

  it('a structural error fails the whole request with a message naming the field', () => {
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans":[{"scopeSpans":{}}]}'), { name: 'OtlpDecodeError', message: 'scopeSpans must be a list (actual: object)' });
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans":[{"scopeSpans":[{"spans":"x"}]}]}'), { message: 'spans must be a list (actual: string)' });
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans":[null]}'), { message: 'ResourceSpans must be an object (actual: null)' });
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans":[[]]}'), { message: 'ResourceSpans must be an object (actual: a list)' });
    assert.throws(() => decodeLogsRequestJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":7}]}]}'), { message: 'logRecords must be a list (actual: number)' });
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans":[{"resource":"x"}]}'), { message: 'Resource must be an object (actual: string)' });
    assert.throws(() => decodeTraceRequestJson('{"resourceSpans"'), (error: unknown) => error instanceof OtlpDecodeError && /^invalid JSON ExportTraceServiceRequest: /.test(error.message));
  });

  it('an item that is not an object fails the request; fields of the wrong type reject their item alone', () => {
    assert.throws(() => decodeTraceRequestJson(traceRequest([span(), 5 as unknown as Json])), { name: 'OtlpDecodeError', message: 'Span must be an object (actual: number)' });
    assert.equal(rejectionOf({ name: 7 }), 'span rejected: name must be a string (actual: number)');
    assert.equal(rejectionOf({ events: {} }), 'span rejected: events must be a list (actual: object)');
    assert.equal(rejectionOf({ attributes: [{ key: 1, value: {} }] }), 'span rejected: attribute key must be a string (actual: number)');
    assert.equal(rejectionOf({ status: 'bad' }), 'span rejected: status must be an object (actual: string)');
  });
});

describe('numbers', () => {
  it('intValue keeps the int64 extremes exact and rejects one past them', () => {
    assert.deepEqual(decodeOne(attribute({ intValue: '9223372036854775807' })).attributes, [{ key: 'a', value: { intValue: '9223372036854775807' } }]);
    assert.deepEqual(decodeOne(attribute({ intValue: '-9223372036854775808' })).attributes, [{ key: 'a', value: { intValue: '-9223372036854775808' } }]);
    assert.deepEqual(decodeOne(attribute({ intValue: -5 })).attributes, [{ key: 'a', value: { intValue: '-5' } }]);
    const range = 'expected a decimal integer from -9223372036854775808 to 9223372036854775807';
    assert.equal(rejectionOf(attribute({ intValue: '9223372036854775808' })), `span rejected: intValue out of the int64 range or not an integer (actual: "9223372036854775808"), ${range}`);
    assert.equal(rejectionOf(attribute({ intValue: '-9223372036854775809' })), `span rejected: intValue out of the int64 range or not an integer (actual: "-9223372036854775809"), ${range}`);
    assert.equal(rejectionOf(attribute({ intValue: 1.5 })), `span rejected: intValue out of the int64 range or not an integer (actual: "1.5"), ${range}`);
    assert.equal(rejectionOf(attribute({ intValue: '12abc' })), `span rejected: intValue out of the int64 range or not an integer (actual: "12abc"), ${range}`);
  });

  it('doubles: numbers, the proto3 JSON strings for non-finite values, and -0 keep their value', () => {
    const values = [2.5, '2.5', 'NaN', 'Infinity', '-Infinity', '-0'].map((doubleValue) => decodeOne(attribute({ doubleValue })).attributes[0]!.value);
    assert.deepEqual(values, [{ doubleValue: 2.5 }, { doubleValue: 2.5 }, { doubleValue: 'NaN' }, { doubleValue: 'Infinity' }, { doubleValue: '-Infinity' }, { doubleValue: '-0' }]);
    // the JSON number -0 (JSON.stringify cannot write it)
    const negativeZero = decodeTraceRequestJson(traceRequest([span()]).replace('"name":"op"', '"name":"op","attributes":[{"key":"a","value":{"doubleValue":-0}}]'));
    assert.deepEqual(negativeZero.items[0]!.attributes, [{ key: 'a', value: { doubleValue: '-0' } }]);
    assert.equal(rejectionOf(attribute({ doubleValue: '' })), 'span rejected: doubleValue must be a number (actual: "")');
    assert.equal(rejectionOf(attribute({ doubleValue: true })), 'span rejected: doubleValue must be a number (actual: true)');
  });

  it('other value types: bool, bytes (base64), empty', () => {
    const values = [{ boolValue: false }, { bytesValue: 'AQID' }, {}].map((value) => decodeOne(attribute(value)).attributes[0]!.value);
    assert.deepEqual(values, [{ boolValue: false }, { bytesValue: 'AQID' }, {}]);
    assert.equal(rejectionOf(attribute({ boolValue: 'yes' })), 'span rejected: boolValue must be a boolean (actual: "yes")');
    assert.equal(rejectionOf(attribute({ bytesValue: '!!' })), 'span rejected: bytesValue must be base64 text');
  });

  it('times are unsigned 64-bit nanoseconds, absent means 0', () => {
    const decoded = decodeOne({ startTimeUnixNano: '18446744073709551615', endTimeUnixNano: 0 });
    assert.equal(decoded.startTimeUnixNano, 18446744073709551615n);
    assert.equal(decoded.endTimeUnixNano, 0n);
    assert.equal(decodeOne({}).startTimeUnixNano, 0n);
    assert.equal(rejectionOf({ startTimeUnixNano: '18446744073709551616' }), 'span rejected: startTimeUnixNano must be unsigned 64-bit nanoseconds (actual: "18446744073709551616")');
    assert.equal(rejectionOf({ endTimeUnixNano: -1 }), 'span rejected: endTimeUnixNano must be unsigned 64-bit nanoseconds (actual: "-1")');
  });

  it('counts and flags are unsigned 32-bit integers', () => {
    assert.equal(decodeOne({ flags: 4294967295 }).flags, 4294967295);
    assert.equal(decodeOne({ droppedAttributesCount: '3' }).droppedAttributesCount, 3);
    assert.equal(rejectionOf({ flags: 4294967296 }), 'span rejected: flags must be an unsigned 32-bit integer (actual: "4294967296")');
    assert.equal(rejectionOf({ droppedEventsCount: -1 }), 'span rejected: droppedEventsCount must be an unsigned 32-bit integer (actual: "-1")');
    assert.equal(rejectionOf({ droppedLinksCount: 0.5 }), 'span rejected: droppedLinksCount must be an unsigned 32-bit integer (actual: "0.5")');
  });

  it('span kind and status code by number or by enum name', () => {
    const byName = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'].map((kind) => decodeOne({ kind }).kind);
    assert.deepEqual(byName, [0, 1, 2, 3, 4, 5]);
    assert.equal(decodeOne({ kind: 3 }).kind, 3);
    const statuses = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'].map((code) => decodeOne({ status: { code, message: 'm' } }));
    assert.deepEqual(
      statuses.map((item) => [item.statusCode, item.statusMessage]),
      [[0, 'm'], [1, 'm'], [2, 'm']],
    );
    assert.equal(rejectionOf({ kind: 'SPAN_KIND_NOPE' }), 'span rejected: kind must be an unsigned 32-bit integer (actual: "SPAN_KIND_NOPE")');
  });
});

describe('span parts', () => {
  it('events and links keep their fields; zero counts and flags are left out', () => {
    const decoded = decodeOne({
      traceState: 'a=1',
      events: [
        { timeUnixNano: '5', name: 'e1', attributes: [{ key: 'k', value: { stringValue: 'v' } }], droppedAttributesCount: 2 },
        { name: 'e2' },
      ],
      links: [
        { traceId: TRACE_ID, spanId: '1111111111111111', traceState: 'b=2', droppedAttributesCount: 1, flags: 257, attributes: [] },
        { traceId: TRACE_ID, spanId: '2222222222222222' },
      ],
    });
    assert.equal(decoded.traceState, 'a=1');
    assert.deepEqual(decoded.events, [
      { timeUnixNano: '5', name: 'e1', attributes: [{ key: 'k', value: { stringValue: 'v' } }], droppedAttributesCount: 2 },
      { timeUnixNano: '0', name: 'e2', attributes: [] },
    ]);
    assert.deepEqual(decoded.links, [
      { traceId: TRACE_ID, spanId: '1111111111111111', traceState: 'b=2', attributes: [], droppedAttributesCount: 1, flags: 257 },
      { traceId: TRACE_ID, spanId: '2222222222222222', attributes: [] },
    ]);
    assert.equal(rejectionOf({ links: [{ traceId: TRACE_ID }] }), 'span rejected: link.spanId is required');
    assert.equal(rejectionOf({ events: [7] }), 'span rejected: event must be an object (actual: number)');
  });

  it('resource: service.name, or unknown_service when it is missing or empty; scope name and version', () => {
    const named = decodeTraceRequestJson(traceRequest([span()], { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }], droppedAttributesCount: 1 }, { name: 'lib', version: '1.2' })).items[0]!;
    assert.equal(named.resource.serviceName, 'shop');
    assert.equal(named.resource.droppedAttributesCount, 1);
    assert.deepEqual([named.scope.name, named.scope.version], ['lib', '1.2']);
    for (const resource of [{}, { attributes: [{ key: 'service.name', value: { stringValue: '' } }] }, { attributes: [{ key: 'service.name', value: { intValue: '1' } }] }]) {
      assert.equal(decodeTraceRequestJson(traceRequest([span()], resource)).items[0]!.resource.serviceName, 'unknown_service');
    }
    const bare = decodeTraceRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span()] }] }] })).items[0]!;
    assert.deepEqual([bare.resource.serviceName, bare.scope.name, bare.scope.version, bare.resource.schemaUrl], ['unknown_service', '', '', '']);
  });

  it('equal resources and scopes share a key, different ones do not', () => {
    const request = {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [span()] }] },
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [span({ spanId: '1111111111111111' })] }] },
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'b' } }] }, schemaUrl: 'https://schema/1', scopeSpans: [{ scope: { name: 't', version: '2' }, schemaUrl: 'https://schema/2', spans: [span({ spanId: '2222222222222222' })] }] },
      ],
    };
    const [first, second, third] = decodeTraceRequestJson(JSON.stringify(request)).items;
    assert.equal(first!.resource.key, second!.resource.key);
    assert.equal(first!.scope.key, second!.scope.key);
    assert.notEqual(first!.resource.key, third!.resource.key);
    assert.notEqual(first!.scope.key, third!.scope.key);
    assert.equal(third!.resource.schemaUrl, 'https://schema/1');
    assert.equal(third!.scope.schemaUrl, 'https://schema/2');
  });

  it('a bad resource or scope attribute fails the whole request (400), naming the owner', () => {
    assert.throws(() => decodeTraceRequestJson(traceRequest([span()], { attributes: [{ key: 'n', value: { intValue: 'x' } }] })), (error: unknown) => error instanceof OtlpDecodeError && error.message.startsWith('Resource: intValue out of the int64 range'));
    assert.throws(() => decodeTraceRequestJson(traceRequest([span()], {}, { attributes: [{ key: 2 }] })), { name: 'OtlpDecodeError', message: 'InstrumentationScope: attribute key must be a string (actual: number)' });
    assert.throws(() => decodeTraceRequestJson(traceRequest([span()], { droppedAttributesCount: -1 })), { name: 'OtlpDecodeError', message: 'Resource.droppedAttributesCount must be an unsigned 32-bit integer (actual: "-1")' });
  });

  it('log records keep severity, body, event name and flags', () => {
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: '7', observedTimeUnixNano: '8', severityNumber: 9, severityText: 'INFO', body: { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }] } }, eventName: 'ev', flags: 1, droppedAttributesCount: 2 },
                { severityNumber: 17 },
              ],
            },
          ],
        },
      ],
    };
    const [record, bare] = decodeLogsRequestJson(JSON.stringify(request)).items;
    assert.equal(record!.timeUnixNano, 7n);
    assert.equal(record!.observedTimeUnixNano, 8n);
    assert.equal(record!.severityNumber, 9);
    assert.equal(record!.severityText, 'INFO');
    assert.deepEqual(record!.body, { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }] } });
    assert.equal(record!.eventName, 'ev');
    assert.equal(record!.flags, 1);
    assert.equal(record!.droppedAttributesCount, 2);
    assert.equal(record!.resource.serviceName, 'svc');
    assert.equal(bare!.body, null);
    assert.equal(bare!.severityNumber, 17);
    assert.equal(bare!.severityText, '');
  });
});

describe('nesting (API.md: up to 32 levels of arrayValue/kvlistValue)', () => {
  const nested = (levels: number, kind: 'arrayValue' | 'kvlistValue'): Json => {
    let value: Json = { stringValue: 'leaf' };
    for (let level = 0; level < levels; level++) {
      value = kind === 'arrayValue' ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [{ key: 'k', value }] } };
    }
    return value;
  };
  const message = 'attribute value nested deeper than 32 levels of arrayValue/kvlistValue (limit: 32)';

  for (const kind of ['arrayValue', 'kvlistValue'] as const) {
    it(`${kind}: 32 levels are kept, 33 reject the span (JSON and protobuf alike), 33 in a resource fail the request`, () => {
      assert.equal(decodeOne(attribute(nested(32, kind))).attributes.length, 1);
      assert.equal(rejectionOf(attribute(nested(33, kind))), `span rejected: ${message}`);
      assert.throws(() => decodeTraceRequestJson(traceRequest([span()], { attributes: [{ key: 'deep', value: nested(33, kind) }] })), { name: 'OtlpDecodeError', message: `Resource: ${message}` });
      const logs = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: nested(33, kind) }, { body: nested(32, kind) }] }] }] });
      const batch = decodeLogsRequestJson(logs);
      assert.equal(batch.items.length, 1);
      assert.deepEqual(batch.errors, [`log record rejected: ${message}`]);
    });
  }
});

describe('protobuf', () => {
  it('an empty body is an empty request; garbage is a 400 naming the message', () => {
    assert.deepEqual(decodeTraceRequestProto(new Uint8Array(0)), { items: [], rejected: 0, errors: [] });
    assert.deepEqual(decodeLogsRequestProto(new Uint8Array(0)), { items: [], rejected: 0, errors: [] });
    assert.throws(() => decodeTraceRequestProto(Buffer.from([0x0a, 0x05, 0x01])), (error: unknown) => error instanceof OtlpDecodeError && error.message.startsWith('invalid protobuf ExportTraceServiceRequest: '));
    assert.throws(() => decodeLogsRequestProto(Buffer.from([0x0a, 0x05, 0x01])), (error: unknown) => error instanceof OtlpDecodeError && error.message.startsWith('invalid protobuf ExportLogsServiceRequest: '));
  });
});

describe('response bodies', () => {
  it('content types of the two encodings', () => {
    assert.equal(contentTypeOf('protobuf'), 'application/x-protobuf');
    assert.equal(contentTypeOf('json'), 'application/json');
  });

  it('JSON: {} when all was accepted, partialSuccess with the signal\'s rejected field (int64 as a string) otherwise', () => {
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
    assert.equal(text(encodeExportResponse('json', 'traces', 0, '')), '{}');
    assert.equal(text(encodeExportResponse('json', 'traces', 2, 'span rejected: x')), '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span rejected: x"}}');
    assert.equal(text(encodeExportResponse('json', 'logs', 1, 'm')), '{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"m"}}');
    assert.equal(text(encodeExportResponse('json', 'metrics', 3, '')), '{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":""}}');
    // a warning alone (nothing rejected, e.g. invalid UTF-8) is still reported
    assert.equal(text(encodeExportResponse('json', 'logs', 0, 'w')), '{"partialSuccess":{"rejectedLogRecords":"0","errorMessage":"w"}}');
  });

  it('protobuf: empty when all was accepted, else partial_success {1: rejected, 2: message}', () => {
    assert.equal(encodeExportResponse('protobuf', 'traces', 0, '').length, 0);
    // 0a 05 (field 1, 5 bytes) 08 02 (rejected 2) 12 01 6d ("m")
    assert.deepEqual([...encodeExportResponse('protobuf', 'traces', 2, 'm')], [0x0a, 0x05, 0x08, 0x02, 0x12, 0x01, 0x6d]);
    // a zero count is the proto3 default and is left out: 0a 03 12 01 77 ("w")
    assert.deepEqual([...encodeExportResponse('protobuf', 'logs', 0, 'w')], [0x0a, 0x03, 0x12, 0x01, 0x77]);
  });

  it('error bodies are google.rpc.Status with the gRPC code of the HTTP status', () => {
    const codes = [400, 401, 403, 404, 405, 413, 415, 421, 429, 503, 500].map((status) => JSON.parse(Buffer.from(encodeErrorStatus('json', status, 'x')).toString('utf8')).code);
    // INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED x2, RESOURCE_EXHAUSTED, INVALID_ARGUMENT,
    // PERMISSION_DENIED, RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL
    assert.deepEqual(codes, [3, 16, 7, 12, 12, 8, 3, 7, 8, 14, 13]);
    assert.equal(Buffer.from(encodeErrorStatus('json', 400, 'bad body')).toString('utf8'), '{"code":3,"message":"bad body"}');
    // 08 0e (code 14) 12 04 "busy"
    assert.deepEqual([...encodeErrorStatus('protobuf', 503, 'busy')], [0x08, 0x0e, 0x12, 0x04, 0x62, 0x75, 0x73, 0x79]);
  });
});
