/**
 * The requests Grafana's Jaeger data source sends, built as its Go client builds them
 * (grafana/grafana pkg/tsdb/jaeger/client.go for the legacy API, grpc_client.go for api_v3:
 * `url.Values.Encode()` sorts keys and writes spaces as `+`; api_v3 times are appended unencoded
 * in RFC 3339 with nanoseconds), answered with what Grafana reads from them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, startTestCollector } from './helpers';
import { sendSpans } from './otlp-body';

const TRACE = '6e0c63257de34c92bf9efcd03927272e';
/** 2024-05-01T10:00:00.5Z in nanoseconds. */
const START_NS = 1_714_557_600_500_000_000n;

let collector: RunningCollector;
const get = (path: string) => getJson(`${collector.queryUrl}${path}`);

before(async () => {
  collector = await startTestCollector();
  await sendSpans(collector.otlpUrl, [
    { traceId: TRACE, spanId: '0000000000000001', name: 'GET /checkout', service: 'frontend', kind: 2, start: START_NS.toString(), end: (START_NS + 20_000_000n).toString(), attributes: { 'http.method': 'GET' } },
    { traceId: TRACE, spanId: '0000000000000002', parentSpanId: '0000000000000001', name: 'charge', service: 'backend', kind: 2, start: (START_NS + 1_000_000n).toString(), end: (START_NS + 9_000_000n).toString() },
  ]);
});
after(() => collector.close());

/** Trace ids of a legacy answer. */
const legacyIds = (body: any) => body.data.map((trace: any) => trace.traceID);
/** Trace ids of an api_v3 answer. */
const v3Ids = (body: any) => [...new Set(body.result.resourceSpans.flatMap((group: any) => group.scopeSpans.flatMap((scope: any) => scope.spans.map((span: any) => span.traceId))))];

describe("Grafana's Jaeger data source, legacy API (client.go)", () => {
  it('services and operations: reads data', async () => {
    assert.deepEqual((await get('/api/services')).body.data, ['backend', 'frontend']);
    assert.deepEqual((await get('/api/services/frontend/operations')).body.data, ['GET /checkout']);
  });

  it('search: limit, durations, operation with + for spaces, tags as a JSON map from logfmt', async () => {
    const query = 'limit=20&maxDuration=1s&minDuration=10ms&operation=GET+%2Fcheckout&service=frontend&tags=%7B%22http.method%22%3A%22GET%22%7D';
    const { status, body } = await get(`/api/traces?${query}`);
    assert.equal(status, 200);
    assert.deepEqual(legacyIds(body), [TRACE]);
    assert.deepEqual(legacyIds((await get('/api/traces?limit=20&minDuration=30ms&service=frontend')).body), []);
  });

  it('trace by id with start and end in microseconds (traceIdTimeParams): reads data[0]', async () => {
    const { status, body } = await get(`/api/traces/${TRACE}?end=1714557601000000&start=1714557600000000`);
    assert.equal(status, 200);
    assert.equal(body.data[0].spans.length, 2);
  });

  it('dependency graph: endTs and lookback in milliseconds', async () => {
    const { body } = await get('/api/dependencies?endTs=1714557601000&lookback=3600000');
    assert.deepEqual(body.data, [{ parent: 'frontend', child: 'backend', callCount: 1 }]);
  });
});

describe("Grafana's Jaeger data source, api_v3 (grpc_client.go)", () => {
  it('services and operations', async () => {
    assert.deepEqual((await get('/api/v3/services')).body.services, ['backend', 'frontend']);
    assert.deepEqual((await get('/api/v3/operations?service=frontend')).body.operations.map((operation: any) => operation.name), ['GET /checkout']);
  });

  it('search with snake_case names and unencoded RFC 3339 nanosecond times, UTC or with an offset', async () => {
    const encoded = 'query.attributes=%7B%22http.method%22%3A%22GET%22%7D&query.duration_max=1s&query.duration_min=10ms&query.operation_name=GET+%2Fcheckout&query.service_name=frontend';
    const utc = await get(`/api/v3/traces?${encoded}&query.start_time_min=2024-05-01T10:00:00.5Z&query.start_time_max=2024-05-01T10:00:01.123456789Z`);
    assert.equal(utc.status, 200, JSON.stringify(utc.body));
    assert.deepEqual(v3Ids(utc.body), [TRACE]);
    // Grafana does not encode the times: a "+02:00" offset arrives as " 02:00" and is still read as +02:00.
    const offset = await get(`/api/v3/traces?${encoded}&query.start_time_min=2024-05-01T12:00:00.5+02:00&query.start_time_max=2024-05-01T12:00:01+02:00`);
    assert.equal(offset.status, 200, JSON.stringify(offset.body));
    assert.deepEqual(v3Ids(offset.body), [TRACE]);
    // Just after the trace's start: nothing, as Jaeger's 404 with error.httpCode, which Grafana reads.
    const none = await get(`/api/v3/traces?${encoded}&query.start_time_min=2024-05-01T10:00:00.500000001Z&query.start_time_max=2024-05-01T10:00:02Z`);
    assert.equal(none.status, 404);
    assert.equal(none.body.error.httpCode, 404);
  });

  it('trace by id, with start_time and end_time appended unencoded', async () => {
    const { status, body } = await get(`/api/v3/traces/${TRACE}?start_time=2024-05-01T10:00:00Z&end_time=2024-05-01T12:00:01+02:00`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(v3Ids(body), [TRACE]);
  });
});
