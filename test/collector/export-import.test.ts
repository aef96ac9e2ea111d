/**
 * Export and import as OTLP/JSON through real HTTP: a trace (spans and logs) sent to one collector
 * is exported by `GET /api/trace/{id}/otlp` exactly as it was sent (ids, nanoseconds beyond 2^53,
 * int vs double, bytes, nested maps and arrays, dropped counts, flags, trace state, schema URLs),
 * imported into another collector by `POST /api/import`, and then answers every API exactly like
 * the original; `GET /api/export` carries a search's traces; import errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const OTHER = '1bf7651916cd43dd8448eb211c80319d';
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Every kind of typed value, as OTLP/JSON writes it (int64 as strings, bytes as base64). */
const TYPED_ATTRIBUTES = [
  { key: 'string', value: { stringValue: 'héllo "quoted"' } },
  { key: 'bool', value: { boolValue: false } },
  { key: 'int.big', value: { intValue: '9007199254740993' } },
  { key: 'int.min', value: { intValue: '-9223372036854775808' } },
  { key: 'double.integral', value: { doubleValue: 1 } },
  { key: 'double.fraction', value: { doubleValue: 0.1 } },
  { key: 'double.nan', value: { doubleValue: 'NaN' } },
  { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
  { key: 'empty', value: {} },
  { key: 'array', value: { arrayValue: { values: [{ intValue: '1' }, { doubleValue: 1 }, { stringValue: '1' }, { arrayValue: { values: [] } }] } } },
  {
    key: 'map',
    value: { kvlistValue: { values: [{ key: 'inner', value: { kvlistValue: { values: [{ key: 'deep', value: { boolValue: true } }] } } }, { key: '__proto__', value: { intValue: '7' } }] } },
  },
];

/** The sent document, written exactly in the shape the export renders (so deepEqual means exact). */
const SENT_SPANS = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }, ...TYPED_ATTRIBUTES], droppedAttributesCount: 3 },
      scopeSpans: [
        {
          scope: { name: 'shop-tracer', version: '1.0.0', attributes: [{ key: 'scope.attr', value: { intValue: '5' } }], droppedAttributesCount: 2 },
          spans: [
            {
              traceId: TRACE,
              spanId: '00f067aa0ba902b7',
              traceState: 'vendor=a,other=b',
              flags: 257,
              name: 'GET /cart',
              kind: 2,
              startTimeUnixNano: '1714557600123456789',
              endTimeUnixNano: '1714557600987654321',
              attributes: TYPED_ATTRIBUTES,
              droppedAttributesCount: 4,
              events: [
                { timeUnixNano: '1714557600200000001', name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'Error' } }], droppedAttributesCount: 1 },
              ],
              droppedEventsCount: 5,
              links: [{ traceId: OTHER, spanId: '1111111111111111', traceState: 'k=v', attributes: [{ key: 'link.n', value: { intValue: '2' } }], droppedAttributesCount: 6, flags: 1 }],
              droppedLinksCount: 7,
              status: { message: 'card declined', code: 2 },
            },
            {
              traceId: TRACE,
              spanId: '00f067aa0ba902b8',
              parentSpanId: '00f067aa0ba902b7',
              name: 'SELECT',
              kind: 3,
              startTimeUnixNano: '1714557600300000000',
              endTimeUnixNano: '1714557600300000001',
              attributes: [],
              status: { code: 0 },
            },
          ],
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        },
      ],
      schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
    },
  ],
};

const SENT_LOGS = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
      scopeLogs: [
        {
          scope: { name: 'shop-logger' },
          logRecords: [
            {
              // No event time: only the observed time (the export keeps the 0).
              timeUnixNano: '0',
              observedTimeUnixNano: '1714557600400000003',
              severityNumber: 17,
              severityText: 'ERROR',
              body: { kvlistValue: { values: [{ key: 'message', value: { stringValue: 'declined' } }, { key: 'amount', value: { doubleValue: 12 } }] } },
              attributes: [{ key: 'user.id', value: { stringValue: 'u-1' } }],
              droppedAttributesCount: 8,
              flags: 1,
              traceId: TRACE,
              spanId: '00f067aa0ba902b7',
              eventName: 'payment.failed',
            },
            {
              timeUnixNano: '1714557600500000000',
              observedTimeUnixNano: '1714557600500000009',
              body: { stringValue: 'done' },
              attributes: [],
              traceId: TRACE,
            },
          ],
        },
      ],
    },
  ],
};

let source: RunningCollector;
let target: RunningCollector;

before(async () => {
  [source, target] = await Promise.all([startTestCollector(), startTestCollector()]);
  assert.equal((await post(`${source.otlpUrl}/v1/traces`, JSON.stringify(SENT_SPANS), JSON_TYPE)).status, 200);
  assert.equal((await post(`${source.otlpUrl}/v1/logs`, JSON.stringify(SENT_LOGS), JSON_TYPE)).status, 200);
  // A second, unrelated trace with a static-asset root, for the search export.
  const asset: any = structuredClone(SENT_SPANS.resourceSpans[0]!);
  asset.scopeSpans[0]!.spans = [{ ...asset.scopeSpans[0]!.spans[1]!, traceId: OTHER, parentSpanId: undefined, name: 'GET /favicon.ico', startTimeUnixNano: '1714557700000000000', endTimeUnixNano: '1714557700000000001' }];
  assert.equal((await post(`${source.otlpUrl}/v1/traces`, JSON.stringify({ resourceSpans: [asset] }), JSON_TYPE)).status, 200);
});
after(async () => {
  await Promise.all([source.close(), target.close()]);
});

async function exportTrace(collector: RunningCollector, traceId: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${collector.queryUrl}/api/trace/${traceId}/otlp`);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function importDocument(body: string, headers: Record<string, string> = JSON_TYPE): Promise<{ status: number; body: any }> {
  const response = await fetch(`${target.queryUrl}/api/import`, { method: 'POST', body, headers });
  return { status: response.status, body: await response.json() };
}

describe('export', () => {
  it('GET /api/trace/{id}/otlp returns the spans and logs exactly as they were sent, as a download', async () => {
    const { status, headers, body } = await exportTrace(source, TRACE);
    assert.equal(status, 200);
    assert.equal(headers.get('content-disposition'), `attachment; filename="trace-${TRACE}.otlp.json"`);
    assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(body, { ...SENT_SPANS, ...SENT_LOGS });
  });

  it("Jaeger api_v3 keeps the scope's droppedAttributesCount (and the resource's)", async () => {
    const { body } = await getJson(`${source.queryUrl}/api/v3/traces/${TRACE}`);
    assert.equal(body.result.resourceSpans[0].scopeSpans[0].scope.droppedAttributesCount, 2);
    assert.equal(body.result.resourceSpans[0].resource.droppedAttributesCount, 3);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const unknown = await getJson(`${source.queryUrl}/api/trace/${'9'.repeat(32)}/otlp`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, `trace ${'9'.repeat(32)} not found (no spans or logs with this id)`);
    assert.equal((await getJson(`${source.queryUrl}/api/trace/nothex/otlp`)).status, 400);
  });

  it('GET /api/export carries every trace the search matches, with the summaries filters', async () => {
    const traceIdsOf = (document: any) =>
      [...new Set(document.resourceSpans.flatMap((group: any) => group.scopeSpans.flatMap((scope: any) => scope.spans.map((span: any) => span.traceId))))].sort();
    const all = await fetch(`${source.queryUrl}/api/export`);
    assert.equal(all.headers.get('content-disposition'), 'attachment; filename="traces.otlp.json"');
    const document = await all.json();
    assert.deepEqual(traceIdsOf(document), [TRACE, OTHER].sort());
    assert.equal(document.resourceLogs.length, 1);
    assert.deepEqual(traceIdsOf((await getJson(`${source.queryUrl}/api/export?hideStatic=true`)).body), [TRACE]);
    assert.deepEqual(traceIdsOf((await getJson(`${source.queryUrl}/api/export?limit=1`)).body), [OTHER], 'newest first');
    assert.deepEqual((await getJson(`${source.queryUrl}/api/export?service=nobody`)).body, { resourceSpans: [], resourceLogs: [] });
    assert.equal((await getJson(`${source.queryUrl}/api/export?limit=0`)).status, 400);
  });
});

describe('import', () => {
  it('stores an exported trace so that it answers every API exactly like the original', async () => {
    const exported = await (await fetch(`${source.queryUrl}/api/trace/${TRACE}/otlp`)).text();
    assert.deepEqual((await importDocument(exported)).body, { spans: 2, logs: 2, traceIds: [TRACE], rejectedSpans: 0, rejectedLogs: 0, errors: [] });
    assert.deepEqual((await exportTrace(target, TRACE)).body, JSON.parse(exported));
    for (const path of [`/api/trace/${TRACE}`, `/api/v3/traces/${TRACE}`, `/api/traces/${TRACE}`, `/api/trace/${TRACE}/critical-path`]) {
      assert.deepEqual((await getJson(`${target.queryUrl}${path}`)).body, (await getJson(`${source.queryUrl}${path}`)).body, path);
    }
    const summary = async (collector: RunningCollector) => (await getJson(`${collector.queryUrl}/api/summaries?service=shop&hideStatic=1`)).body;
    assert.deepEqual(await summary(target), await summary(source));
    // Spans and log records already stored are skipped on a second import; the trace is unchanged.
    const before = (await getJson(`${target.queryUrl}/api/trace/${TRACE}`)).body;
    assert.deepEqual((await importDocument(exported)).body, { spans: 0, logs: 0, traceIds: [TRACE], rejectedSpans: 0, rejectedLogs: 0, errors: [] });
    assert.deepEqual((await getJson(`${target.queryUrl}/api/trace/${TRACE}`)).body, before);
    // A record that differs in one field is stored.
    const changed = JSON.parse(exported);
    changed.resourceLogs[0].scopeLogs[0].logRecords[1].observedTimeUnixNano = '1714557600500000010';
    assert.equal((await importDocument(JSON.stringify({ resourceLogs: changed.resourceLogs }))).body.logs, 1);
  });

  it('rejects invalid items like the receiver, storing the rest', async () => {
    const document = structuredClone(SENT_SPANS);
    const spans = document.resourceSpans[0]!.scopeSpans[0]!.spans as any[];
    spans[0] = { ...spans[0], traceId: 'abc' };
    spans[1] = { ...spans[1], traceId: OTHER, parentSpanId: undefined };
    const { status, body } = await importDocument(JSON.stringify(document));
    assert.equal(status, 200);
    assert.equal(body.spans, 1);
    assert.equal(body.rejectedSpans, 1);
    assert.deepEqual(body.traceIds, [OTHER]);
    assert.equal(body.errors.length, 1);
    assert.match(body.errors[0], /traceId/);
  });

  it('accepts only POST with application/json and a document of resourceSpans and resourceLogs', async () => {
    const plain = await importDocument('{}', { 'Content-Type': 'text/plain' });
    assert.equal(plain.status, 415);
    assert.equal(plain.body.error.message, 'unsupported Content-Type (actual: text/plain), expected application/json');
    const proto = await importDocument('{}', { 'Content-Type': 'application/x-protobuf' });
    assert.equal(proto.status, 415);
    const get = await fetch(`${target.queryUrl}/api/import`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const postElsewhere = await fetch(`${target.queryUrl}/api/summaries`, { method: 'POST', body: '{}', headers: JSON_TYPE });
    assert.equal(postElsewhere.status, 405);
    assert.equal(postElsewhere.headers.get('allow'), 'GET, HEAD');

    const jaegerShape = await importDocument(JSON.stringify({ result: SENT_SPANS }));
    assert.equal(jaegerShape.status, 400);
    assert.equal(jaegerShape.body.error.message, 'unknown key result in the import document (actual: ["result"]), expected only resourceSpans and resourceLogs');
    const broken = await importDocument('{"resourceSpans": [');
    assert.equal(broken.status, 400);
    assert.match(broken.body.error.message, /^invalid JSON ExportTraceServiceRequest/);
    assert.deepEqual((await importDocument('{}')).body, { spans: 0, logs: 0, traceIds: [], rejectedSpans: 0, rejectedLogs: 0, errors: [] });
  });

  it("applies the receiver's body limit (after decompression) and per-request element limits", async () => {
    const small = await startTestCollector({ maxBodyBytes: 1_000 });
    try {
      const document = JSON.stringify(SENT_SPANS);
      assert.ok(document.length > 1_000);
      const response = await fetch(`${small.queryUrl}/api/import`, { method: 'POST', body: gzipSync(document), headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' } });
      assert.equal(response.status, 413);
      assert.deepEqual(await response.json(), { error: { code: 413, message: 'request body is larger than the limit of 1000 bytes after decompression' } });
    } finally {
      await small.close();
    }
    // 10,001 resource groups: over the limit of 10,000 per request, nothing stored.
    const tooMany = await importDocument(JSON.stringify({ resourceSpans: Array.from({ length: 10_001 }, () => ({})) }));
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error.message, /^more than 10000 /);
  });

  it('refuses cross-site requests (the guard) before reading the body', async () => {
    const crossSite = await importDocument('{}', { ...JSON_TYPE, Origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.body.error.message, /^cross-site request refused \(actual: Origin "https:\/\/evil.example"\)/);
  });
});
