/**
 * `GET /api/service-graph` through real HTTP against a collector fed OTLP JSON: nodes and
 * cross-service edges of the spans that started in the window, error counts, nearest-rank p95,
 * the default window (the last hour) and bad parameters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector, ServiceGraphResponse } from '../../packages/otel-local/src/index';
import { getJson, startTestCollector } from './helpers';
import { sendSpans } from './otlp-body';
import type { TestSpan } from './otlp-body';

const WINDOW_START_MS = 1_714_557_600_000;
const WINDOW_END_MS = WINDOW_START_MS + 60_000;
const MS = 1_000_000n;
/** Nanoseconds of a millisecond offset from the window's start. */
const at = (offsetMs: number) => (BigInt(WINDOW_START_MS + offsetMs) * MS).toString();
const ERROR = { code: 2 };

let collector: RunningCollector;
let nextSpan = 0;
function span(traceId: string, service: string, parent: TestSpan | undefined, startMs: number, durationMs: number, status?: { code: number }): TestSpan {
  const start = at(startMs);
  return {
    traceId,
    spanId: (++nextSpan).toString(16).padStart(16, '0'),
    parentSpanId: parent?.spanId,
    service,
    start,
    end: (BigInt(start) + BigInt(durationMs) * MS).toString(),
    status,
  };
}

before(async () => {
  collector = await startTestCollector();
  const a = 'a'.repeat(32);
  const root = span(a, 'frontend', undefined, 1_000, 100);
  // 20 calls frontend -> backend lasting 1..20 ms, the last one failed.
  const calls = Array.from({ length: 20 }, (_, i) => span(a, 'backend', root, 1_001 + i, i + 1, i === 19 ? ERROR : undefined));
  const internal = span(a, 'backend', calls[0], 1_001, 1); // same service: no edge
  const db = span(a, 'db', internal, 1_001, 3, ERROR);
  // The gateway's root started before the window; its call into frontend started inside it.
  const c = 'c'.repeat(32);
  const gateway = span(c, 'gateway', undefined, -1_000, 6_000);
  const fromGateway = span(c, 'frontend', gateway, 2_000, 5);
  // After the window: not counted.
  const d = 'd'.repeat(32);
  const late = span(d, 'frontend', undefined, 120_000, 10);
  await sendSpans(collector.otlpUrl, [root, ...calls, internal, db, gateway, fromGateway, late, span(d, 'backend', late, 120_001, 5)]);

  // Near the real clock, for the default window (the last hour): one recent call, one two hours old.
  const recentMs = Date.now() - 60_000;
  const recent = (traceId: string, service: string, parent: TestSpan | undefined, offsetMs: number): TestSpan =>
    span(traceId, service, parent, recentMs + offsetMs - WINDOW_START_MS, 1);
  const e = 'e'.repeat(32);
  const web = recent(e, 'web', undefined, 0);
  const f = 'f'.repeat(32);
  const oldWeb = recent(f, 'web', undefined, -2 * 3_600_000);
  await sendSpans(collector.otlpUrl, [web, recent(e, 'api', web, 0), oldWeb, recent(f, 'old-api', oldWeb, -2 * 3_600_000)]);
});
after(() => collector.close());

async function graph(query: string): Promise<ServiceGraphResponse> {
  const { status, body } = await getJson(`${collector.queryUrl}/api/service-graph${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

describe('service graph', () => {
  it('has a node per service and an edge per cross-service call of the spans that started in the window', async () => {
    assert.deepEqual(await graph(`?startMs=${WINDOW_START_MS}&endMs=${WINDOW_END_MS}`), {
      startMs: WINDOW_START_MS,
      endMs: WINDOW_END_MS,
      nodes: [
        { service: 'backend', spanCount: 21, errorCount: 1 },
        { service: 'db', spanCount: 1, errorCount: 1 },
        { service: 'frontend', spanCount: 2, errorCount: 0 },
        { service: 'gateway', spanCount: 0, errorCount: 0 },
      ],
      edges: [
        { parent: 'backend', child: 'db', callCount: 1, errorCount: 1, p95DurationNano: '3000000' },
        // Nearest rank: the 19th of 20 durations (1..20 ms).
        { parent: 'frontend', child: 'backend', callCount: 20, errorCount: 1, p95DurationNano: '19000000' },
        { parent: 'gateway', child: 'frontend', callCount: 1, errorCount: 0, p95DurationNano: '5000000' },
      ],
    });
  });

  it('bounds both ends of the window by span start', async () => {
    // Only the gateway's call (started at +2000 ms) is in [+1500, +2000]; endMs covers its whole millisecond.
    const narrow = await graph(`?startMs=${WINDOW_START_MS + 1_500}&endMs=${WINDOW_START_MS + 2_000}`);
    assert.deepEqual(narrow.edges.map((edge) => `${edge.parent}->${edge.child}`), ['gateway->frontend']);
    assert.deepEqual((await graph(`?startMs=${WINDOW_START_MS + 2_001}&endMs=${WINDOW_START_MS + 3_000}`)).edges, []);
  });

  it('defaults to the last hour', async () => {
    const before = Date.now();
    const body = await graph('');
    assert.equal(body.endMs - body.startMs, 3_600_000);
    assert.ok(body.endMs >= before, `endMs ${body.endMs} is the time of the request`);
    assert.deepEqual(body.edges.map((edge) => `${edge.parent}->${edge.child}`), ['web->api']);
    const fromStart = await graph(`?startMs=${body.startMs}`);
    assert.ok(fromStart.endMs >= body.endMs, 'a start alone ends now');
    const toEnd = await graph(`?endMs=${WINDOW_END_MS}`);
    assert.equal(toEnd.startMs, WINDOW_END_MS - 3_600_000, 'an end alone looks back one hour');
    assert.equal(toEnd.edges.length, 3);
  });

  it('rejects bad windows', async () => {
    const reversed = await getJson(`${collector.queryUrl}/api/service-graph?startMs=2000&endMs=1000`);
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.error.message, 'malformed parameter startMs (actual: 2000 > endMs 1000), expected a start at or before the end');
    const word = await getJson(`${collector.queryUrl}/api/service-graph?endMs=soon`);
    assert.equal(word.status, 400);
    assert.equal(word.body.error.message, `malformed parameter endMs (actual: "soon"), expected an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  });
});
