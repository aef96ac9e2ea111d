/**
 * The per-request cost bounds of the OTLP decoders (API.md, "Receiver": a request over one is a 400
 * `more than N <what> in one request (limit: N <what> per request)`, nothing of it stored), each at
 * its exact limit and one past it. Kept apart from decoders-contract.test.ts because the bodies are
 * large (this file takes seconds).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../packages/otel-local/src/otlp/decode-json';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

type Json = Record<string, unknown>;

function traceRequest(spans: Json[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans }] }] });
}

function span(extra: Json = {}): Json {
  return { traceId: TRACE_ID, spanId: SPAN_ID, name: 'op', ...extra };
}

describe('cost bounds at their limits (API.md: a request over one is a 400 naming it)', () => {
  const resourceGroups = (count: number) => `{"resourceSpans":[${Array(count).fill('{}').join(',')}]}`;

  it('10,000 resource groups pass, 10,001 are refused', () => {
    assert.equal(decodeTraceRequestJson(resourceGroups(10_000)).items.length, 0);
    assert.throws(() => decodeTraceRequestJson(resourceGroups(10_001)), {
      name: 'OtlpDecodeError',
      message: 'more than 10000 resource groups (resourceSpans/resourceLogs) in one request (limit: 10000 resource groups (resourceSpans/resourceLogs) per request)',
    });
  });

  it('10,000 scope groups pass, 10,001 are refused', () => {
    const scopes = (count: number) => `{"resourceLogs":[{"scopeLogs":[${Array(count).fill('{}').join(',')}]}]}`;
    assert.equal(decodeLogsRequestJson(scopes(10_000)).items.length, 0);
    assert.throws(() => decodeLogsRequestJson(scopes(10_001)), { message: /^more than 10000 scope groups \(scopeSpans\/scopeLogs\) in one request/ });
  });

  it('100,000 log records pass, 100,001 are refused', () => {
    const records = (count: number) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${Array(count).fill('{}').join(',')}]}]}]}`;
    assert.equal(decodeLogsRequestJson(records(100_000)).items.length, 100_000);
    assert.throws(() => decodeLogsRequestJson(records(100_001)), { message: /^more than 100000 spans or log records in one request/ });
  });

  it('spans are counted even when rejected', () => {
    const spans = `{"resourceSpans":[{"scopeSpans":[{"spans":[${Array(100_001).fill('{"name":"no ids"}').join(',')}]}]}]}`;
    assert.throws(() => decodeTraceRequestJson(spans), { message: /^more than 100000 spans or log records in one request/ });
  });

  it('200,000 events and links pass, 200,001 are refused', () => {
    const withEvents = (events: number, links: number) =>
      traceRequest([span({ events: Array(events).fill({}), links: Array(links).fill({ traceId: TRACE_ID, spanId: SPAN_ID }) })]);
    assert.equal(decodeTraceRequestJson(withEvents(199_999, 1)).items[0]!.events.length, 199_999);
    assert.throws(() => decodeTraceRequestJson(withEvents(199_999, 2)), { message: /^more than 200000 span events and links in one request/ });
  });

  it('1,000,000 attribute values pass, counted at any depth and in resources; one more is refused', () => {
    // service.name (resource) + the key-value 'arr' + its array elements = 1,000,000
    const request = (elements: number) => traceRequest([span({ attributes: [{ key: 'arr', value: { arrayValue: { values: Array(elements).fill({}) } } }] })]);
    const kept = decodeTraceRequestJson(request(999_998)).items[0]!.attributes[0]!.value as { arrayValue: { values: unknown[] } };
    assert.equal(kept.arrayValue.values.length, 999_998);
    assert.throws(() => decodeTraceRequestJson(request(999_999)), {
      message: 'more than 1000000 attribute values (key-values and array elements at any depth) in one request (limit: 1000000 attribute values (key-values and array elements at any depth) per request)',
    });
  });

  it('JSON: 2,000,000 objects and arrays pass the pre-parse count (strings excluded), 2,000,001 are refused', () => {
    // the request object, the resourceSpans list, then empty lists as resource groups' ... items of an unknown field
    const body = (containers: number) => `{"resourceSpans":[],"x":[${Array(containers - 3).fill('[]').join(',')}],"s":"{[\\"{["}`;
    assert.equal(decodeTraceRequestJson(body(2_000_000)).items.length, 0);
    assert.throws(() => decodeTraceRequestJson(body(2_000_001)), {
      name: 'OtlpDecodeError',
      message: 'more than 2000000 JSON objects and arrays in one request (limit: 2000000 JSON objects and arrays per request)',
    });
  });
});

