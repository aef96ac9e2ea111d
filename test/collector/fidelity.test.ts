/**
 * Fidelity of what the collector gives back (issue 10 item 7), through real HTTP into the real
 * collector: keys named `__proto__`, int64 bounds in OTLP JSON, protobuf length prefixes beyond
 * 32 bits, `-0.0` and integral doubles, invalid UTF-8 in protobuf strings. Protobuf bodies come
 * from the official serializer, patched byte for byte where a case needs hostile bytes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { ProtoWriter } from '../../packages/otel-local/src/protobuf/wire';
import { post, startTestCollector } from './helpers';

const JSON_HEADERS = { 'content-type': 'application/json' };
const PROTO_HEADERS = { 'content-type': 'application/x-protobuf' };

let collector: RunningCollector;
before(async () => {
  collector = await startTestCollector();
});
after(async () => {
  await collector.close();
});

let idCounter = 0;
/** A fresh 32-hex trace id and 16-hex span id. */
function ids(): { traceId: string; spanId: string } {
  idCounter++;
  return { traceId: idCounter.toString(16).padStart(32, 'a'), spanId: idCounter.toString(16).padStart(16, 'b') };
}

/** An OTLP JSON trace request with one span per attribute list. */
function jsonTraces(spans: Array<{ traceId: string; spanId: string; attributes: unknown[] }>, resourceAttributes: unknown[] = []): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fidelity' } }, ...resourceAttributes] },
      scopeSpans: [{ spans: spans.map((span) => ({ ...span, name: 'op', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' })) }],
    }],
  });
}

async function postJson(path: string, body: string): Promise<{ status: number; body: any }> {
  const response = await post(`${collector.otlpUrl}${path}`, body, JSON_HEADERS);
  return { status: response.status, body: JSON.parse(Buffer.from(response.body).toString('utf8')) };
}

async function getText(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${collector.queryUrl}${path}`);
  return { status: response.status, text: await response.text() };
}

/** Spans of the real SDK with the given attributes, serialized by the official protobuf serializer. */
function sdkSpan(name: string, attributes: Record<string, string | number>): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.getTracer('fidelity').startSpan(name, { attributes }).end();
  return exporter.getFinishedSpans()[0]!;
}

/** Replaces the single occurrence of `from` in `bytes` by `to` (same length). */
function patch(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Buffer {
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf(from);
  assert.ok(at >= 0 && buffer.indexOf(from, at + 1) === -1, 'the patched bytes occur exactly once');
  Buffer.from(to).copy(buffer, at);
  return buffer;
}

function float64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value);
  return buffer;
}

describe('keys named __proto__', () => {
  it('survive in span, resource, log attributes and log bodies of the viewer and logs APIs', async () => {
    const span = ids();
    const protoKey = (value: string) => ({ key: '__proto__', value: { stringValue: value } });
    assert.equal((await postJson('/v1/traces', jsonTraces([{ ...span, attributes: [protoKey('span')] }], [protoKey('resource')]))).status, 200);
    const logs = {
      resourceLogs: [{
        resource: { attributes: [protoKey('log resource')] },
        scopeLogs: [{ logRecords: [{
          timeUnixNano: '1700000000000000005',
          traceId: span.traceId,
          attributes: [protoKey('log')],
          body: { kvlistValue: { values: [protoKey('body'), { key: 'constructor', value: { intValue: '1' } }] } },
        }] }],
      }],
    };
    assert.equal((await postJson('/v1/logs', JSON.stringify(logs))).status, 200);

    const trace = JSON.parse((await getText(`/api/trace/${span.traceId}`)).text);
    const own = (object: object) => Object.entries(object).filter(([key]) => key === '__proto__' || key === 'constructor');
    assert.deepEqual(own(trace.spans[0].attributes), [['__proto__', 'span']]);
    assert.deepEqual(own(trace.spans[0].resource), [['__proto__', 'resource']]);
    const [log] = JSON.parse((await getText(`/api/logs?traceId=${span.traceId}`)).text).logs;
    assert.deepEqual(own(log.attributes), [['__proto__', 'log']]);
    assert.deepEqual(own(log.resource), [['__proto__', 'log resource']]);
    assert.deepEqual(own(log.body), [['__proto__', 'body'], ['constructor', 1]]);
  });
});

describe('names of Object.prototype in OTLP JSON', () => {
  it('"constructor" as a kind or status code rejects its span like any unknown name', async () => {
    const kind = ids();
    const status = ids();
    const body = JSON.parse(jsonTraces([{ ...kind, attributes: [] }, { ...status, attributes: [] }]));
    body.resourceSpans[0].scopeSpans[0].spans[0].kind = 'constructor';
    body.resourceSpans[0].scopeSpans[0].spans[1].status = { code: 'toString' };
    const { status: httpStatus, body: answer } = await postJson('/v1/traces', JSON.stringify(body));
    assert.equal(httpStatus, 200);
    assert.deepEqual(answer.partialSuccess, {
      rejectedSpans: '2',
      errorMessage: 'span rejected: kind must be an unsigned 32-bit integer (actual: "constructor"); span rejected: status.code must be an unsigned 32-bit integer (actual: "toString")',
    });
  });
});

describe('OTLP JSON intValue beyond int64', () => {
  it('rejects only the span carrying it, naming the value; the int64 extremes are kept exact', async () => {
    const kept = ids();
    const tooBig = ids();
    const tooSmall = ids();
    const int = (key: string, intValue: string | number) => ({ key, value: { intValue } });
    const { status, body } = await postJson('/v1/traces', jsonTraces([
      { ...kept, attributes: [int('max', '9223372036854775807'), int('min', '-9223372036854775808'), int('js', 2 ** 60)] },
      { ...tooBig, attributes: [int('big', '9223372036854775808')] },
      { ...tooSmall, attributes: [int('small', -1e19)] },
    ]));
    assert.equal(status, 200);
    assert.equal(body.partialSuccess.rejectedSpans, '2');
    assert.match(body.partialSuccess.errorMessage, /intValue out of the int64 range or not an integer \(actual: "9223372036854775808"\), expected a decimal integer from -9223372036854775808 to 9223372036854775807/);
    assert.match(body.partialSuccess.errorMessage, /actual: "-10000000000000000000"/);
    assert.equal((await getText(`/api/trace/${tooBig.traceId}`)).status, 404);
    const v3 = (await getText(`/api/v3/traces/${kept.traceId}`)).text;
    assert.ok(v3.includes('{"key":"max","value":{"intValue":"9223372036854775807"}}'), v3);
    assert.ok(v3.includes('{"key":"min","value":{"intValue":"-9223372036854775808"}}'), v3);
    assert.ok(v3.includes('{"key":"js","value":{"intValue":"1152921504606846976"}}'), v3);
  });

  it('rejects the whole request (400) when the value is in a resource attribute', async () => {
    const { status, body } = await postJson('/v1/traces', jsonTraces([{ ...ids(), attributes: [] }], [{ key: 'r', value: { intValue: '18446744073709551616' } }]));
    assert.equal(status, 400);
    assert.match(body.message, /Resource: intValue out of the int64 range or not an integer \(actual: "18446744073709551616"\)/);
  });
});

describe('doubles', () => {
  it('JSON: 1.0 and -0.0 stay doubles in the viewer and logs APIs (text 1.0 and -0.0) and doubleValue in api_v3', async () => {
    const span = ids();
    const double = (key: string, doubleValue: number | string) => ({ key, value: { doubleValue } });
    const attributes = [double('one', 1), double('negZero', '-0'), double('big', 1e21), double('half', 0.5), { key: 'int', value: { intValue: '1' } }];
    assert.equal((await postJson('/v1/traces', `${jsonTraces([{ ...span, attributes }]).replace('"negZero","value":{"doubleValue":"-0"}', '"negZero","value":{"doubleValue":-0.0}')}`)).status, 200);
    const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000009', traceId: span.traceId, attributes, body: { doubleValue: 2 } }] }] }] };
    assert.equal((await postJson('/v1/logs', JSON.stringify(logs))).status, 200);

    const expected = '{"one":1.0,"negZero":-0.0,"big":1e+21,"half":0.5,"int":1}';
    const trace = (await getText(`/api/trace/${span.traceId}`)).text;
    assert.ok(trace.includes(`"attributes":${expected}`), trace);
    const logText = (await getText(`/api/logs?traceId=${span.traceId}`)).text;
    assert.ok(logText.includes(`"body":2.0`), logText);
    assert.ok(logText.includes(`"attributes":${expected}`), logText);
    assert.ok(Object.is(JSON.parse(trace).spans[0].attributes.negZero, -0), 'a JS client reads -0');

    const v3 = (await getText(`/api/v3/traces/${span.traceId}`)).text;
    assert.ok(v3.includes('{"key":"one","value":{"doubleValue":1}}'), v3);
    assert.ok(v3.includes('{"key":"negZero","value":{"doubleValue":"-0"}}'), v3);
    assert.ok(v3.includes('{"key":"int","value":{"intValue":"1"}}'), v3);
    // Jaeger's legacy model types the tag instead (a JSON number cannot say -0).
    const legacy = (await getText(`/api/traces/${span.traceId}`)).text;
    assert.ok(legacy.includes('{"key":"negZero","type":"float64","value":0}'), legacy);
    assert.ok(legacy.includes('{"key":"one","type":"float64","value":1}'), legacy);
  });

  it('protobuf: a double 1.0 and -0.0 stay doubles', async () => {
    const span = sdkSpan('doubles', { one: 0.25, negZero: 0.75 });
    let body = ProtobufTraceSerializer.serializeRequest([span])!;
    body = patch(patch(body, float64(0.25), float64(1)), float64(0.75), float64(-0));
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, body, PROTO_HEADERS)).status, 200);
    const trace = (await getText(`/api/trace/${span.spanContext().traceId}`)).text;
    assert.ok(trace.includes('"attributes":{"one":1.0,"negZero":-0.0}'), trace);
  });
});

describe('protobuf framing and text', () => {
  it('a length prefix of 2^32 + n is refused (400), not read as n', async () => {
    const span = sdkSpan('length', {});
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest([span])!);
    // ExportTraceServiceRequest: tag 0x0a, then the ResourceSpans length as a varint.
    assert.equal(body[0], 0x0a);
    let at = 1;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = body[at++]!;
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    assert.equal(at + length, body.length, 'one ResourceSpans fills the body');
    const wide = length + 2 ** 32;
    const varint: number[] = [];
    for (let rest = wide; ; rest = Math.floor(rest / 128)) {
      if (rest < 128) {
        varint.push(rest);
        break;
      }
      varint.push((rest % 128) | 0x80);
    }
    const hostile = Buffer.concat([Buffer.from([0x0a, ...varint]), body.subarray(at)]);
    const response = await post(`${collector.otlpUrl}/v1/traces`, hostile, PROTO_HEADERS);
    assert.equal(response.status, 400);
    assert.match(Buffer.from(response.body).toString('latin1'), new RegExp(`length prefix at offset 1 out of range \\(actual: ${wide}\\), expected at most 4294967295`));
    assert.equal((await getText(`/api/trace/${span.spanContext().traceId}`)).status, 404);
  });

  it('invalid UTF-8 in strings is stored with U+FFFD and counted in the partial-success message', async () => {
    const span = sdkSpan('name-XXXX', { key: 'value-YYYY-long-enough-to-skip-the-short-ascii-path' });
    let body = ProtobufTraceSerializer.serializeRequest([span])!;
    body = patch(patch(body, Buffer.from('XXXX'), Buffer.from([0x41, 0xff, 0xfe, 0x42])), Buffer.from('YYYY'), Buffer.from([0xc3, 0x28, 0x43, 0x44]));
    const response = await post(`${collector.otlpUrl}/v1/traces`, body, PROTO_HEADERS);
    assert.equal(response.status, 200);
    // ExportTraceServiceResponse{partial_success{error_message}} in protobuf: read the message text.
    const text = Buffer.from(response.body).toString('utf8');
    assert.match(text, /string fields not valid UTF-8, stored with U\+FFFD in place of the bad bytes \(actual: 2 invalid\), expected UTF-8/);
    const trace = JSON.parse((await getText(`/api/trace/${span.spanContext().traceId}`)).text);
    assert.equal(trace.spans[0].name, 'name-A\uFFFD\uFFFDB');
    assert.equal(trace.spans[0].attributes.key, 'value-\uFFFD(CD-long-enough-to-skip-the-short-ascii-path');
  });

  it('a tag beyond 32 bits is refused (400), not read as its low bits', async () => {
    const span = sdkSpan('tag', {});
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest([span])!);
    // Tag 0x0a (field 1, length-delimited) written as the 6-byte varint of 2^35 + 0x0a.
    const hostile = Buffer.concat([Buffer.from([0x8a, 0x80, 0x80, 0x80, 0x80, 0x01]), body.subarray(1)]);
    const response = await post(`${collector.otlpUrl}/v1/traces`, hostile, PROTO_HEADERS);
    assert.equal(response.status, 400);
    assert.match(Buffer.from(response.body).toString('latin1'), /tag at offset 0 out of range \(actual: 34359738378\), expected at most 4294967295/);
    assert.equal((await getText(`/api/trace/${span.spanContext().traceId}`)).status, 404);
  });

  it('a JSON body with invalid UTF-8 is stored with U+FFFD and gets the warning', async () => {
    const span = ids();
    const text = jsonTraces([{ ...span, attributes: [{ key: 'k', value: { stringValue: 'a-XX-b' } }] }]);
    const body = Buffer.from(text);
    body.write('\xff\xfe', body.indexOf('XX'), 'latin1');
    const response = await post(`${collector.otlpUrl}/v1/traces`, body, JSON_HEADERS);
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(Buffer.from(response.body).toString('utf8')), {
      partialSuccess: { rejectedSpans: '0', errorMessage: 'request body not valid UTF-8, stored with U+FFFD in place of the bad bytes (actual: 1 invalid), expected UTF-8' },
    });
    const trace = JSON.parse((await getText(`/api/trace/${span.traceId}`)).text);
    assert.equal(trace.spans[0].attributes.k, 'a-\uFFFD\uFFFD-b');
  });

  it('a bool whose varint has only high bits set is true', async () => {
    const { traceId, spanId } = ids();
    const attribute = (key: string, value: number) => new ProtoWriter().stringField(1, key).bytesField(2, new ProtoWriter().varintField(2, value).finish()).finish();
    const span = new ProtoWriter()
      .bytesField(1, Buffer.from(traceId, 'hex'))
      .bytesField(2, Buffer.from(spanId, 'hex'))
      .stringField(5, 'bool')
      .bytesField(9, attribute('high', 2 ** 32))
      .bytesField(9, attribute('one', 1))
      .finish();
    const body = new ProtoWriter().bytesField(1, new ProtoWriter().bytesField(2, new ProtoWriter().bytesField(2, span).finish()).finish()).finish();
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, body, PROTO_HEADERS)).status, 200);
    const trace = JSON.parse((await getText(`/api/trace/${traceId}`)).text);
    assert.deepEqual(trace.spans[0].attributes, { high: true, one: true });
  });

  it('a valid protobuf body gets an empty answer (no warning)', async () => {
    const span = sdkSpan('clean-é', { key: 'ünïcödé' });
    const response = await post(`${collector.otlpUrl}/v1/traces`, ProtobufTraceSerializer.serializeRequest([span])!, PROTO_HEADERS);
    assert.equal(response.status, 200);
    assert.equal(response.body.length, 0);
  });
});
