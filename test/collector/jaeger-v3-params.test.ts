/**
 * Jaeger api_v3 as Jaeger 2.x reads it (cmd/jaeger/.../apiv3/query_parser.go, http_gateway.go):
 * camelCase parameter names with the snake_case ones as deprecated aliases, unknown parameters
 * refused, the required start-time window, default search depth 100, short and base64 trace ids,
 * `spanKind` on operations; and the legacy API's `span.kind` tag for INTERNAL spans.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const START_NS = 1_714_557_600_000_000_000n; // 2024-05-01T10:00:00Z
const WINDOW = 'query.startTimeMin=2024-05-01T00:00:00Z&query.startTimeMax=2024-05-02T00:00:00Z';
const SHORT_TRACE = '00000000000000000123456789abcdef'; // a 64-bit trace id, as 16 hex digits: 0123456789abcdef

let collector: RunningCollector;
const api = (path: string) => getJson(`${collector.queryUrl}${path}`);

/** One span per trace: `count` traces of `service`, trace i starting i seconds after START_NS and lasting (i+1) ms. */
function spans(service: string, count: number, idPrefix: string, kind = 2) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: count }, (_, index) => ({
              traceId: `${idPrefix}${String(index + 1).padStart(32 - idPrefix.length, '0')}`,
              spanId: `${String(index + 1).padStart(16, '0')}`,
              name: `op-${kind}`,
              kind,
              startTimeUnixNano: String(START_NS + BigInt(index) * 1_000_000_000n),
              endTimeUnixNano: String(START_NS + BigInt(index) * 1_000_000_000n + BigInt(index + 1) * 1_000_000n),
            })),
          },
        ],
      },
    ],
  };
}

function traceIds(body: any): string[] {
  const ids = new Set<string>();
  for (const resourceSpans of body.result.resourceSpans) for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) ids.add(span.traceId);
  return [...ids].sort();
}

before(async () => {
  collector = await startTestCollector();
  const batches = [spans('alpha', 120, 'a'), spans('beta', 2, 'b', 3), spans('gamma', 1, '0000000000000000', 1)];
  batches[2]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = SHORT_TRACE;
  for (const batch of batches) {
    const response = await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(batch), { 'Content-Type': 'application/json' });
    assert.equal(response.status, 200);
  }
});
after(() => collector.close());

describe('Jaeger api_v3 parameter names (Jaeger 2.x)', () => {
  it('query.serviceName filters by service (it was ignored, returning other services\' traces)', async () => {
    const { status, body } = await api(`/api/v3/traces?${WINDOW}&query.serviceName=beta`);
    assert.equal(status, 200);
    assert.deepEqual(traceIds(body), ['b0000000000000000000000000000001', 'b0000000000000000000000000000002']);
  });

  it('every camelCase name works, and the snake_case aliases still do', async () => {
    const ids = async (query: string) => {
      const { status, body } = await api(`/api/v3/traces?${query}`);
      return status === 404 ? [] : traceIds(body);
    };
    const beta = 'query.serviceName=beta';
    assert.deepEqual(await ids(`${WINDOW}&${beta}&query.operationName=op-3`), ['b0000000000000000000000000000001', 'b0000000000000000000000000000002']);
    assert.deepEqual(await ids(`${WINDOW}&${beta}&query.operationName=nope`), []);
    assert.deepEqual(await ids(`${WINDOW}&${beta}&query.durationMin=1500us`), ['b0000000000000000000000000000002']);
    assert.deepEqual(await ids(`${WINDOW}&${beta}&query.durationMax=1500us`), ['b0000000000000000000000000000001']);
    assert.deepEqual(await ids(`query.startTimeMin=2024-05-01T10:00:00.5Z&query.startTimeMax=2024-05-02T00:00:00Z&${beta}`), ['b0000000000000000000000000000002']);
    assert.deepEqual(await ids(`${WINDOW}&${beta}&query.searchDepth=1&query.rawTraces=true`), ['b0000000000000000000000000000002']);
    assert.deepEqual(
      await ids('query.start_time_min=2024-05-01T00:00:00Z&query.start_time_max=2024-05-02T00:00:00Z&query.service_name=beta&query.num_traces=1&query.raw_traces=false'),
      ['b0000000000000000000000000000002'],
    );
  });

  it('an unknown parameter is a 400 in the api_v3 envelope, never ignored', async () => {
    for (const path of [`/api/v3/traces?${WINDOW}&query.service=beta`, '/api/v3/services?x=1', '/api/v3/operations?service=beta&kind=server', `/api/v3/traces/${SHORT_TRACE}?foo=1`]) {
      const { status, body } = await api(path);
      assert.equal(status, 400, path);
      assert.equal(body.error.httpCode, 400);
      assert.match(body.error.message, /^unknown parameter \S+ \(actual: .*\), expected one of /);
    }
  });

  it('requires the start-time window like Jaeger, and the minimum before the maximum', async () => {
    const missing = await api('/api/v3/traces?query.serviceName=beta&query.startTimeMin=2024-05-01T00:00:00Z');
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /query.startTimeMin and query.startTimeMax are required \(actual: query.startTimeMax missing\)/);
    const reversed = await api('/api/v3/traces?query.startTimeMin=2024-05-02T00:00:00Z&query.startTimeMax=2024-05-01T00:00:00Z');
    assert.equal(reversed.status, 400);
    assert.match(reversed.body.error.message, /must be before/);
  });

  it('answers 404 "No traces found" for an empty search and searches 100 traces deep by default', async () => {
    const none = await api(`/api/v3/traces?${WINDOW}&query.serviceName=nobody`);
    assert.deepEqual([none.status, none.body.error.message, none.body.error.httpCode], [404, 'No traces found', 404]);
    const alpha = await api(`/api/v3/traces?${WINDOW}&query.serviceName=alpha`);
    assert.equal(traceIds(alpha.body).length, 100);
  });

  it('query.num_traces (the oldest alias of searchDepth) and the depth bounds, by their values', async () => {
    const count = async (query: string) => traceIds((await api(`/api/v3/traces?${WINDOW}&query.serviceName=alpha&${query}`)).body).length;
    assert.equal(await count('query.num_traces=7'), 7);
    assert.equal(await count('query.search_depth=13'), 13);
    assert.equal(await count('query.searchDepth=1000'), 120, 'the maximum, 1000, is allowed');
    const over = await api(`/api/v3/traces?${WINDOW}&query.searchDepth=1001`);
    assert.equal(over.status, 400);
    assert.equal(over.body.error.message, 'malformed parameter query.searchDepth (actual: "1001"), expected an integer from 1 to 1000');
    assert.equal((await api(`/api/v3/traces?${WINDOW}&query.num_traces=0`)).status, 400);
  });

  it("the legacy search returns at most 100 traces by default (Jaeger's defaultQueryLimit), limit up to 1500", async () => {
    const count = async (query: string) => (await api(`/api/traces?service=alpha${query}`)).body.data.length;
    assert.equal(await count(''), 100);
    assert.equal(await count('&limit=120'), 120);
    assert.equal(await count('&limit=1500'), 120);
    assert.equal((await api('/api/traces?service=alpha&limit=1501')).status, 400);
  });

  it('accepts 16-digit (64-bit) and base64 trace ids', async () => {
    for (const id of ['0123456789abcdef', SHORT_TRACE, Buffer.from(SHORT_TRACE, 'hex').toString('base64')]) {
      const { status, body } = await api(`/api/v3/traces/${encodeURIComponent(id)}?startTime=2024-05-01T00:00:00Z&rawTraces=true`);
      assert.equal(status, 200, id);
      assert.deepEqual(traceIds(body), [SHORT_TRACE]);
    }
  });

  it('operations take spanKind (and the span_kind alias)', async () => {
    assert.deepEqual((await api('/api/v3/operations?service=beta&spanKind=client')).body, { operations: [{ name: 'op-3', spanKind: 'client' }] });
    assert.deepEqual((await api('/api/v3/operations?service=beta&spanKind=server')).body, { operations: [] });
    assert.deepEqual((await api('/api/v3/operations?service=beta&span_kind=client')).body, { operations: [{ name: 'op-3', spanKind: 'client' }] });
    assert.equal((await api('/api/v3/operations?service=beta&spanKind=sideways')).status, 400);
  });
});

describe('Jaeger legacy trace model', () => {
  it('tags INTERNAL spans with span.kind=internal, as Jaeger\'s OTLP translator does', async () => {
    const { body } = await api(`/api/traces/${SHORT_TRACE}`);
    const tags = body.data[0].spans[0].tags as Array<{ key: string; value: unknown }>;
    assert.deepEqual(tags.filter((tag) => tag.key === 'span.kind'), [{ key: 'span.kind', type: 'string', value: 'internal' }]);
  });
});
