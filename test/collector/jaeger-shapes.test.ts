/**
 * Jaeger compatibility against answers Jaeger itself produces (fixtures/jaeger/, copied from
 * Jaeger's repository, see SOURCE.md), not fixtures made by this code: the same OTLP data sent to
 * the collector must come back from the legacy API exactly as Jaeger renders it, and from api_v3
 * exactly as Jaeger's snapshots once the protobuf JSON mapping's default values are left out.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const jaegerFixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/jaeger/${name}`, import.meta.url), 'utf8'));
const JSON_TYPE = { 'Content-Type': 'application/json' };

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

/**
 * The protobuf JSON mapping without default values, as Jaeger's gateway writes it: fields that are
 * 0, "0" (64-bit integers), "" or empty lists are left out; messages (even empty) stay.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === 0 || field === '0' || field === '' || (Array.isArray(field) && field.length === 0)) continue;
    out[key] = withoutDefaults(field);
  }
  return out;
}

/** A span as Jaeger's GetTrace/FindTraces snapshots hold it: no resource, no scope, no times. */
const SNAPSHOT_SPAN = { traceId: '00000000000000000000000000000001', spanId: '0000000000000002', name: 'foobar', kind: 2, status: { code: 2 } };

describe('api_v3 against Jaeger\'s snapshots', () => {
  it('GET /api/v3/traces/{id} and the search answer exactly like Jaeger (defaults left out)', async () => {
    await withTraces({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: {}, spans: [SNAPSHOT_SPAN] }] }] }, async (collector) => {
      const trace = await getJson(`${collector.queryUrl}/api/v3/traces/00000000000000000000000000000001`);
      assert.equal(trace.status, 200);
      assert.deepEqual(withoutDefaults(trace.body), jaegerFixture('v3-GetTrace.json'));
      const search = await getJson(`${collector.queryUrl}/api/v3/traces?query.startTimeMin=1970-01-01T00:00:00Z&query.startTimeMax=1970-01-02T00:00:00Z`);
      assert.equal(search.status, 200);
      assert.deepEqual(withoutDefaults(search.body), jaegerFixture('v3-FindTraces.json'));
    });
  });

  it('services and operations answer exactly like Jaeger', async () => {
    const request = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'foo' } }] }, scopeSpans: [{ spans: [{ ...SNAPSHOT_SPAN, name: 'get_users', startTimeUnixNano: '1000', endTimeUnixNano: '2000' }] }] }] };
    await withTraces(request, async (collector) => {
      assert.deepEqual((await getJson(`${collector.queryUrl}/api/v3/services`)).body, jaegerFixture('v3-GetServices.json'));
      assert.deepEqual((await getJson(`${collector.queryUrl}/api/v3/operations?service=foo`)).body, jaegerFixture('v3-GetOperations.json'));
    });
  });

  it('GET /api/v3/trace-summaries answers like Jaeger (orphanSpanCount 0 written out)', async () => {
    // The trace behind Jaeger's snapshot: frontend, root "HTTP GET /" from 1000 s to 1001 s, two spans, one failed.
    const spans = [
      { traceId: SNAPSHOT_SPAN.traceId, spanId: '0000000000000001', name: 'HTTP GET /', kind: 2, startTimeUnixNano: '1000000000000', endTimeUnixNano: '1001000000000' },
      { traceId: SNAPSHOT_SPAN.traceId, spanId: '0000000000000002', parentSpanId: '0000000000000001', name: 'db', kind: 3, startTimeUnixNano: '1000100000000', endTimeUnixNano: '1000200000000', status: { code: 2 } },
    ];
    const request = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'frontend' } }] }, scopeSpans: [{ spans }] }] };
    await withTraces(request, async (collector) => {
      const window = 'query.startTimeMin=1970-01-01T00:00:00Z&query.startTimeMax=1970-01-02T00:00:00Z';
      const { status, body } = await getJson(`${collector.queryUrl}/api/v3/trace-summaries?${window}`);
      assert.equal(status, 200);
      const expected = jaegerFixture('v3-FindTraceSummaries.json');
      expected.summaries[0].orphanSpanCount = 0;
      assert.deepEqual(body, expected);
      // Unlike the trace search, no match is an empty list (Jaeger's handler), and the search's parameters apply.
      assert.deepEqual((await getJson(`${collector.queryUrl}/api/v3/trace-summaries?${window}&query.serviceName=nobody`)).body, { summaries: [] });
      assert.equal((await getJson(`${collector.queryUrl}/api/v3/trace-summaries`)).status, 400);
    });
  });
});

describe('legacy API against Jaeger\'s UI model', () => {
  it('GET /api/traces/{id} renders an OTLP request exactly as Jaeger does (otlp2jaeger fixture)', async () => {
    const expected = jaegerFixture('otlp2jaeger-out.json');
    // The request holds the same span twice; the receiver stores a span once (same trace and span id).
    expected.data[0].spans = expected.data[0].spans.slice(0, 1);
    await withTraces(jaegerFixture('otlp2jaeger-in.json'), async (collector) => {
      const { status, body } = await getJson(`${collector.queryUrl}/api/traces/83a9efd15c1c98a977e0711cc93ee28b`);
      assert.equal(status, 200);
      assert.deepEqual(body, expected);
    });
  });

  it('every object has the keys of Jaeger\'s UI model (ui_01 fixture), with its value types', async () => {
    const jaeger = jaegerFixture('ui_01.json');
    const keys = (value: object) => Object.keys(value).sort();
    // A trace with every tag type, an event, a parent and a link, and resource attributes.
    const typed = [
      { key: 'peer.service', value: { stringValue: 'service-y' } },
      { key: 'peer.ipv4', value: { intValue: '23456' } },
      { key: 'temperature', value: { doubleValue: 72.5 } },
      { key: 'javascript_limit', value: { intValue: '9223372036854775222' } },
      { key: 'blob', value: { bytesValue: 'AAAwOQ==' } },
      { key: 'ok', value: { boolValue: true } },
    ];
    // A 64-bit id (high half zero), which Jaeger writes as 16 hex digits, as in the fixture.
    const traceId = '00000000000000000000000000000001';
    const span = (spanId: string, extra: object) => ({ traceId, spanId, name: 'op', kind: 2, startTimeUnixNano: '1485467191639875000', endTimeUnixNano: '1485467191639880000', ...extra });
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'service-x' } }, { key: 'host.name', value: { stringValue: 'h' } }] },
          scopeSpans: [
            {
              spans: [
                span('0000000000000002', { attributes: typed, flags: 1, events: [{ timeUnixNano: '1485467191639875000', name: 'some-event', attributes: [{ key: 'x', value: { stringValue: 'y' } }] }] }),
                span('0000000000000003', { parentSpanId: '0000000000000002', links: [{ traceId, spanId: '0000000000000002' }] }),
              ],
            },
          ],
        },
      ],
    };
    await withTraces(request, async (collector) => {
      const ours = (await getJson(`${collector.queryUrl}/api/traces/${jaeger.traceID}`)).body.data[0];
      assert.deepEqual(keys(ours), keys(jaeger));
      assert.equal(ours.traceID, jaeger.traceID);
      assert.deepEqual(ours.spans.map((oursSpan: any) => oursSpan.traceID), [jaeger.traceID, jaeger.traceID]);
      assert.deepEqual(ours.spans[1].references.map((reference: any) => reference.traceID), [jaeger.traceID, jaeger.traceID]);
      assert.deepEqual((await getJson(`${collector.queryUrl}/api/traces?traceID=${jaeger.traceID}&traceID=2`)).body.errors, [{ msg: 'trace not found', traceID: '0000000000000002' }]);
      const spanKeys = keys(jaeger.spans[0]);
      for (const oursSpan of ours.spans) {
        // `flags` is omitempty in Jaeger's model (absent from the fixture, whose spans have none).
        assert.deepEqual(keys(oursSpan).filter((key) => key !== 'flags'), spanKeys);
        assert.equal(typeof oursSpan.startTime, 'number');
        assert.equal(typeof oursSpan.duration, 'number');
        for (const reference of oursSpan.references) assert.deepEqual(keys(reference), keys(jaeger.spans[2].references[0]));
        for (const log of oursSpan.logs) {
          assert.deepEqual(keys(log), keys(jaeger.spans[0].logs[0]));
          for (const field of log.fields) assert.deepEqual(keys(field), ['key', 'type', 'value']);
        }
      }
      assert.deepEqual(ours.spans[1].references.map((reference: any) => reference.refType), ['CHILD_OF', 'FOLLOWS_FROM']);
      assert.deepEqual(ours.spans[0].logs[0].fields, jaeger.spans[0].logs[0].fields.concat(jaeger.spans[0].logs[1].fields));
      // Each typed tag exactly as Jaeger's fixture has it (int64 beyond 2^53 as a string, bytes as base64).
      const jaegerTags = new Map(jaeger.spans[1].tags.map((tag: any) => [tag.key, tag]));
      for (const tag of ours.spans[0].tags.filter((tag: any) => jaegerTags.has(tag.key))) assert.deepEqual(tag, jaegerTags.get(tag.key));
      assert.equal(ours.spans[0].tags.filter((tag: any) => jaegerTags.has(tag.key)).length, 5);
      assert.equal(ours.spans[0].flags, 1);
      for (const process of Object.values(ours.processes)) assert.deepEqual(keys(process as object), keys(jaeger.processes.p1));
    });
  });
});
