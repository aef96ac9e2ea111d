/**
 * Jaeger compatibility: otel-local's api_v3 and legacy UI answers have the shapes Jaeger itself
 * produces. The shapes (jaeger-shapes.ts) are written down from Jaeger's source and test data, each
 * citing the file it was read from; no Jaeger document is copied here. A real collector receives real
 * OTLP/JSON, and every answer must fit its shape exactly: no key Jaeger's type lacks, every key Jaeger
 * always writes, the right JSON types and value formats. Each test also requires its answer to have
 * used every field and variant of the shape (ShapeChecker.unseenFields), so a renamed or dropped
 * optional field fails too. api_v3 answers are additionally compared with Jaeger's proto3 JSON rule
 * (default values left out) where Jaeger's snapshots show which keys it writes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';
import {
  API_MD_ERROR,
  JAEGER_SPAN_KINDS,
  LEGACY_DEPENDENCIES,
  LEGACY_ERROR_RESPONSE,
  LEGACY_NAMES,
  LEGACY_OPERATIONS,
  LEGACY_TRACES,
  ShapeChecker,
  V3_ERROR,
  V3_ERROR_DETAILS,
  V3_OPERATIONS,
  V3_SERVICES,
  V3_TRACES,
  V3_TRACE_SUMMARIES,
  alwaysKeys,
  field,
  objectShape,
  withAddedFields,
} from './jaeger-shapes';
import type { Shape } from './jaeger-shapes';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const WINDOW = 'query.startTimeMin=2020-01-01T00:00:00Z&query.startTimeMax=2030-01-01T00:00:00Z';

/** Runs `check` against a fresh collector that received `request` (an OTLP/JSON trace export). */
async function withTraces(request: unknown, check: (collector: RunningCollector) => Promise<void>): Promise<void> {
  const collector = await startTestCollector();
  try {
    const response = await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(request), JSON_TYPE);
    assert.equal(response.status, 200);
    await check(collector);
  } finally {
    await collector.close();
  }
}

/** Asserts that `body` fits `shape` and, unless `partial`, that it used every field and variant of it. */
function assertShape(body: unknown, shape: Shape, options: { partial?: boolean } = {}): void {
  const checker = new ShapeChecker();
  assert.deepEqual(checker.check(body, shape), [], 'the answer does not fit Jaeger\'s shape');
  if (!options.partial) assert.deepEqual(checker.unseenFields(shape), [], 'fields of Jaeger\'s shape the answer never had');
}

/**
 * The protobuf JSON mapping without default values, as Jaeger's gateway writes it (gogo jsonpb without
 * EmitDefaults): fields that are 0, "0" (64-bit integers), "" or empty lists are left out; messages
 * (even empty) stay.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === 0 || item === '0' || item === '' || (Array.isArray(item) && item.length === 0)) continue;
    out[key] = withoutDefaults(item);
  }
  return out;
}

const keys = (value: object) => Object.keys(value).sort();
const kv = (key: string, value: object) => ({ key, value });

// Our own test data (not Jaeger's): two 128-bit trace ids and one whose high 64 bits are zero.
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const SHORT_TRACE = '0000000000000000c0ffee00c0ffee00';
const ROOT = '00f067aa0ba902b7';
const CHILD = '53995c3f42cd8ad8';
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z in ns
const ns = (offsetMicros: number) => (T0 + BigInt(offsetMicros) * 1000n).toString();

/** Attribute values of every OTLP type, nested ones included. */
const EVERY_VALUE = [
  kv('http.route', { stringValue: '/cart/{id}' }),
  kv('cache.hit', { boolValue: false }),
  kv('retry.count', { intValue: '-3' }),
  kv('order.big', { intValue: '9007199254740993' }),
  kv('load', { doubleValue: 0.75 }),
  kv('payload', { bytesValue: 'q83vEjQ=' }),
  kv('items', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } }),
  kv('headers', { kvlistValue: { values: [kv('accept', { stringValue: 'json' })] } }),
];

/** A trace that sets every OTLP field (so no value is a default), in two resources and two services. */
function fullTraceRequest() {
  const scope = { name: 'shop.http', version: '2.0.1', attributes: [kv('scope.flag', { boolValue: true })], droppedAttributesCount: 2 };
  const root = {
    traceId: TRACE,
    spanId: ROOT,
    traceState: 'shop=1',
    flags: 1,
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: ns(0),
    endTimeUnixNano: ns(5_000),
    attributes: EVERY_VALUE,
    droppedAttributesCount: 3,
    events: [
      { timeUnixNano: ns(100), name: 'cache.miss', attributes: [kv('cache.key', { stringValue: 'cart:7' }), kv('attempt', { intValue: '2' })], droppedAttributesCount: 1 },
      { timeUnixNano: ns(200), attributes: [kv('note', { stringValue: 'no name' })] },
    ],
    droppedEventsCount: 4,
    links: [{ traceId: OTHER_TRACE, spanId: CHILD, traceState: 'other=2', attributes: [kv('link.reason', { stringValue: 'retry' })], droppedAttributesCount: 1, flags: 1 }],
    droppedLinksCount: 5,
    status: { message: 'cart locked', code: 2 },
  };
  const child = { traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, name: 'SELECT cart', kind: 3, startTimeUnixNano: ns(1_000), endTimeUnixNano: ns(2_000), status: { code: 1 } };
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'shop-api' }), kv('host.name', { stringValue: 'box-1' })], droppedAttributesCount: 1 },
        scopeSpans: [{ scope, spans: [root], schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }],
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      },
      {
        resource: { attributes: [kv('service.name', { stringValue: 'shop-db' })] },
        scopeSpans: [{ scope: { name: 'shop.sql' }, spans: [child] }],
      },
    ],
  };
}

describe('api_v3 answers have the shapes of Jaeger\'s HTTP gateway', () => {
  it('trace by id and trace search: the GRPCGatewayWrapper of OTLP/JSON, every OTLP field in its JSON type and format', async () => {
    await withTraces(fullTraceRequest(), async (collector) => {
      for (const url of [`/api/v3/traces/${TRACE}`, `/api/v3/traces?${WINDOW}`, `/api/v3/traces?${WINDOW}&query.serviceName=shop-db`]) {
        const { status, body } = await getJson(`${collector.queryUrl}${url}`);
        assert.equal(status, 200, url);
        assertShape(body, V3_TRACES);
        // Nothing is a default in this trace, so Jaeger's rule (defaults left out) changes nothing: every field is there.
        assertShape(withoutDefaults(body), V3_TRACES);
        const spans = body.result.resourceSpans.flatMap((resource: any) => resource.scopeSpans.flatMap((scope: any) => scope.spans));
        assert.deepEqual(spans.map((span: any) => span.spanId).sort(), [ROOT, CHILD].sort());
        const root = spans.find((span: any) => span.spanId === ROOT);
        assert.deepEqual(root.attributes, EVERY_VALUE);
        assert.equal(root.startTimeUnixNano, ns(0));
      }
    });
  });

  it('a span with only ids, name, kind and status: the keys Jaeger\'s GetTrace/FindTraces snapshots hold once defaults are left out', async () => {
    const span = { traceId: TRACE, spanId: ROOT, name: 'checkout', kind: 3, status: { code: 2 } };
    await withTraces({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: {}, spans: [span] }] }] }, async (collector) => {
      for (const url of [`/api/v3/traces/${TRACE}`, `/api/v3/traces?query.startTimeMin=1970-01-01T00:00:00Z&query.startTimeMax=1970-01-02T00:00:00Z`]) {
        const { status, body } = await getJson(`${collector.queryUrl}${url}`);
        assert.equal(status, 200, url);
        // The defaults otel-local writes (API.md, "Differences from Jaeger") are still of the right types.
        assertShape(body, V3_TRACES, { partial: true });
        const stripped = withoutDefaults(body) as any;
        assertShape(stripped, V3_TRACES, { partial: true });
        // snapshots/GetTrace.json and FindTraces.json: one resource with `resource: {}`, one scope with `scope: {}`,
        // and a span of exactly these keys (`status` keeps only its non-default `code`).
        assert.deepEqual(keys(stripped.result), ['resourceSpans']);
        const [resourceSpans] = stripped.result.resourceSpans;
        assert.deepEqual(keys(resourceSpans), ['resource', 'scopeSpans']);
        assert.deepEqual(resourceSpans.resource, {});
        assert.deepEqual(keys(resourceSpans.scopeSpans[0]), ['scope', 'spans']);
        assert.deepEqual(resourceSpans.scopeSpans[0].scope, {});
        assert.deepEqual(resourceSpans.scopeSpans[0].spans, [span]);
        assert.deepEqual(keys(resourceSpans.scopeSpans[0].spans[0]), ['kind', 'name', 'spanId', 'status', 'traceId']);
      }
    });
  });

  it('services and operations: GetServicesResponse and GetOperationsResponse', async () => {
    const request = fullTraceRequest();
    // One more span of every other kind, so every kind Jaeger lists is answered.
    const more = [1, 4, 5].map((kind, index) => ({ traceId: TRACE, spanId: `00000000000000a${index}`, parentSpanId: ROOT, name: `op-${kind}`, kind, startTimeUnixNano: ns(10), endTimeUnixNano: ns(20) }));
    request.resourceSpans[1]!.scopeSpans[0]!.spans.push(...(more as any[]));
    await withTraces(request, async (collector) => {
      const services = await getJson(`${collector.queryUrl}/api/v3/services`);
      assert.equal(services.status, 200);
      assertShape(services.body, V3_SERVICES);
      assert.deepEqual([...services.body.services].sort(), ['shop-api', 'shop-db']);
      const kinds = new Set<string>();
      for (const service of ['shop-api', 'shop-db']) {
        const operations = await getJson(`${collector.queryUrl}/api/v3/operations?service=${service}`);
        assert.equal(operations.status, 200);
        assertShape(operations.body, V3_OPERATIONS);
        for (const operation of operations.body.operations) kinds.add(operation.spanKind);
      }
      assert.deepEqual([...kinds].sort(), [...JAEGER_SPAN_KINDS].sort());
      const filtered = await getJson(`${collector.queryUrl}/api/v3/operations?service=shop-db&spanKind=client`);
      assert.deepEqual(filtered.body, { operations: [{ name: 'SELECT cart', spanKind: 'client' }] });
    });
  });

  it('trace summaries: FindTraceSummariesResponse, every field written and of its type', async () => {
    const request = fullTraceRequest();
    // An orphan (its parent is not in the trace), so no count is zero and Jaeger would write every field.
    (request.resourceSpans[1]!.scopeSpans[0]!.spans as unknown[]).push({ traceId: TRACE, spanId: '00000000000000b1', parentSpanId: '00000000000000ff', name: 'orphan', kind: 1, startTimeUnixNano: ns(3_000), endTimeUnixNano: ns(9_000), status: { code: 2 } });
    await withTraces(request, async (collector) => {
      const { status, body } = await getJson(`${collector.queryUrl}/api/v3/trace-summaries?${WINDOW}`);
      assert.equal(status, 200);
      assertShape(body, V3_TRACE_SUMMARIES);
      assertShape(withoutDefaults(body), V3_TRACE_SUMMARIES);
      const [summary] = body.summaries;
      assert.equal(summary.traceId, TRACE);
      assert.deepEqual(
        [summary.rootServiceName, summary.rootOperationName, summary.minStartTimeUnixNano, summary.maxEndTimeUnixNano, summary.spanCount, summary.errorSpanCount, summary.orphanSpanCount],
        ['shop-api', 'GET /cart', ns(0), ns(9_000), 3, 2, 1],
      );
      assert.deepEqual(summary.services, [
        { name: 'shop-api', spanCount: 1, errorSpanCount: 1 },
        { name: 'shop-db', spanCount: 2, errorSpanCount: 1 },
      ]);
      // Nothing matched: an empty list (Jaeger's handler answers 200 with whatever storage found).
      const none = await getJson(`${collector.queryUrl}/api/v3/trace-summaries?${WINDOW}&query.serviceName=nobody`);
      assert.equal(none.status, 200);
      assertShape(none.body, V3_TRACE_SUMMARIES, { partial: true });
      assert.deepEqual(none.body, { summaries: [] });
    });
  });

  it('errors: GRPCGatewayError with httpCode and message (plus API.md\'s `code`)', async () => {
    // API.md: api_v3 errors are `{"error": {"code", "httpCode", "message"}}`; `code` is otel-local's addition.
    const shape = objectShape('GRPCGatewayError + API.md', {
      error: field.always(withAddedFields(V3_ERROR_DETAILS, 'GRPCGatewayErrorDetails + API.md code', { code: field.always(API_MD_ERROR.fields.code!.shape) })),
    });
    await withTraces(fullTraceRequest(), async (collector) => {
      for (const [url, expected] of [
        [`/api/v3/traces/${OTHER_TRACE}`, 404],
        ['/api/v3/traces/not-an-id!', 400],
        [`/api/v3/traces?${WINDOW}&query.serviceName=nobody`, 404],
        ['/api/v3/traces', 400],
      ] as const) {
        const { status, body } = await getJson(`${collector.queryUrl}${url}`);
        assert.equal(status, expected, url);
        assertShape(body, shape, { partial: true });
        assert.deepEqual(keys(body.error), ['code', 'httpCode', 'message']);
        assert.equal(body.error.httpCode, expected);
        // Without otel-local's addition the answer is exactly Jaeger's GRPCGatewayError.
        const { code: _code, ...jaegerDetails } = body.error;
        assertShape({ error: jaegerDetails }, V3_ERROR, { partial: true });
      }
    });
  });
});

describe('legacy API answers have the shapes of Jaeger\'s UI model', () => {
  it('GET /api/traces/{id}: structuredResponse of uimodel.Trace, every field, tag type, reference type and process', async () => {
    await withTraces(fullTraceRequest(), async (collector) => {
      const { status, body } = await getJson(`${collector.queryUrl}/api/traces/${TRACE}`);
      assert.equal(status, 200);
      assertShape(body, LEGACY_TRACES);
      assert.deepEqual([body.total, body.limit, body.offset, body.errors], [0, 0, 0, null]);
      const [trace] = body.data;
      assert.equal(trace.traceID, TRACE);
      assert.ok(trace.spans.every((span: any) => span.traceID === TRACE));
      // process_hashtable.go: one process per distinct resource, keyed p1, p2, ... in the order spans use them.
      const order = [...new Set(trace.spans.map((span: any) => span.processID))];
      assert.deepEqual(order, ['p1', 'p2']);
      assert.deepEqual(keys(trace.processes), ['p1', 'p2']);
      assert.deepEqual(Object.values(trace.processes).map((process: any) => process.serviceName).sort(), ['shop-api', 'shop-db']);
      const root = trace.spans.find((span: any) => span.spanID === ROOT);
      const child = trace.spans.find((span: any) => span.spanID === CHILD);
      // from_domain.go: µs times; the parent is a CHILD_OF reference, the link a FOLLOWS_FROM one.
      assert.deepEqual([root.startTime, root.duration, child.startTime - root.startTime, child.duration], [Number(T0 / 1000n), 5_000, 1_000, 1_000]);
      assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: TRACE, spanID: ROOT }]);
      assert.deepEqual(root.references, [{ refType: 'FOLLOWS_FROM', traceID: OTHER_TRACE, spanID: CHILD }]);
      assert.equal(root.flags, 1);
      assert.ok(!('flags' in child), '`flags` is omitempty');
      // from_domain.go convertKeyValues: one type per value; an int64 beyond 2^53 - 1 as a decimal string.
      const tag = (key: string) => root.tags.find((item: any) => item.key === key);
      assert.deepEqual(tag('retry.count'), { key: 'retry.count', type: 'int64', value: -3 });
      assert.deepEqual(tag('order.big'), { key: 'order.big', type: 'int64', value: '9007199254740993' });
      assert.deepEqual(tag('payload'), { key: 'payload', type: 'binary', value: 'q83vEjQ=' });
      assert.deepEqual(tag('load'), { key: 'load', type: 'float64', value: 0.75 });
      // Jaeger's /api/transform fixture (cmd/jaeger/internal/extension/jaegerquery/internal/fixture/otlp2jaeger-out.json):
      // the scope tags first, then the attributes in order, then the tags derived from span fields.
      assert.deepEqual(
        root.tags.map((item: any) => item.key),
        ['otel.scope.name', 'otel.scope.version', ...EVERY_VALUE.map((item) => item.key), 'span.kind', 'otel.status_code', 'error', 'otel.status_description', 'w3c.tracestate'],
      );
      // An event is a log whose first field is `event` with its name (none when it has no name), then its attributes.
      assert.deepEqual(root.logs.map((log: any) => log.fields.map((item: any) => item.key)), [['event', 'cache.key', 'attempt'], ['note']]);
    });
  });

  it('a 64-bit trace id is written with 16 hex digits, everywhere (ui_01.json)', async () => {
    const spans = [
      { traceId: SHORT_TRACE, spanId: ROOT, name: 'a', kind: 2, startTimeUnixNano: ns(0), endTimeUnixNano: ns(1) },
      { traceId: SHORT_TRACE, spanId: CHILD, parentSpanId: ROOT, name: 'b', startTimeUnixNano: ns(0), endTimeUnixNano: ns(1), links: [{ traceId: SHORT_TRACE, spanId: ROOT }] },
    ];
    await withTraces({ resourceSpans: [{ resource: { attributes: [kv('service.name', { stringValue: 'short' })] }, scopeSpans: [{ spans }] }] }, async (collector) => {
      const short = SHORT_TRACE.slice(16);
      for (const id of [SHORT_TRACE, short]) {
        const { status, body } = await getJson(`${collector.queryUrl}/api/traces/${id}`);
        assert.equal(status, 200);
        assertShape(body, LEGACY_TRACES, { partial: true });
        const [trace] = body.data;
        const ids = [trace.traceID, ...trace.spans.map((span: any) => span.traceID), ...trace.spans.flatMap((span: any) => span.references.map((reference: any) => reference.traceID))];
        assert.deepEqual(ids, [short, short, short, short, short]);
      }
    });
  });

  it('search by traceID lists the missing ids as `{msg, traceID}`; services, operations, dependencies in the same envelope', async () => {
    await withTraces(fullTraceRequest(), async (collector) => {
      const search = await getJson(`${collector.queryUrl}/api/traces?traceID=${TRACE}&traceID=${SHORT_TRACE.slice(16)}`);
      assert.equal(search.status, 200);
      // (partial: a not-found entry has no `code`, which structuredError leaves out when 0.)
      assertShape(search.body, LEGACY_TRACES, { partial: true });
      assert.deepEqual(search.body.errors, [{ msg: 'trace not found', traceID: SHORT_TRACE.slice(16) }]);
      assert.equal(search.body.data.length, 1);
      const found = await getJson(`${collector.queryUrl}/api/traces?service=shop-db`);
      assertShape(found.body, LEGACY_TRACES, { partial: true });
      assert.equal(found.body.errors, null);

      const services = await getJson(`${collector.queryUrl}/api/services`);
      assertShape(services.body, LEGACY_NAMES);
      assert.deepEqual([[...services.body.data].sort(), services.body.total], [['shop-api', 'shop-db'], 2]);
      const names = await getJson(`${collector.queryUrl}/api/services/shop-db/operations`);
      assertShape(names.body, LEGACY_NAMES);
      assert.deepEqual([names.body.data, names.body.total], [['SELECT cart'], 1]);
      const operations = await getJson(`${collector.queryUrl}/api/operations?service=shop-api`);
      assertShape(operations.body, LEGACY_OPERATIONS);
      assert.deepEqual([operations.body.data, operations.body.total], [[{ name: 'GET /cart', spanKind: 'server' }], 1]);
      const end = Number(T0 / 1_000_000n) + 60_000;
      const dependencies = await getJson(`${collector.queryUrl}/api/dependencies?endTs=${end}&lookback=3600000`);
      assertShape(dependencies.body, LEGACY_DEPENDENCIES);
      assert.deepEqual(dependencies.body.data, [{ parent: 'shop-api', child: 'shop-db', callCount: 1 }]);
    });
  });

  it('errors: structuredResponse with one `{code, msg}` (plus API.md\'s `error`)', async () => {
    const shape = withAddedFields(LEGACY_ERROR_RESPONSE, 'structuredResponse + API.md error', { error: field.always(API_MD_ERROR) });
    await withTraces(fullTraceRequest(), async (collector) => {
      for (const [url, expected] of [[`/api/traces/${OTHER_TRACE}`, 404], ['/api/traces/xyz!', 400], ['/api/traces', 400]] as const) {
        const { status, body } = await getJson(`${collector.queryUrl}${url}`);
        assert.equal(status, expected, url);
        assertShape(body, shape, { partial: true });
        assert.deepEqual(keys(body), [...alwaysKeys(LEGACY_ERROR_RESPONSE), 'error'].sort());
        assert.deepEqual(body.errors.map((error: any) => keys(error)), [['code', 'msg']]);
        assert.equal(body.errors[0].code, expected);
      }
    });
  });
});
