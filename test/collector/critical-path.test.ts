/**
 * `GET /api/trace/{traceId}/critical-path` through real HTTP against a collector fed OTLP JSON:
 * Jaeger UI's algorithm (last-finishing child before the current point, clipping of overflowing
 * children, several segments per span), exact nanoseconds, and the error answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';
import { sendSpans } from './otlp-body';
import type { TestSpan } from './otlp-body';

/** A base time beyond 2^53 ns, so any loss of precision shows. */
const BASE = 1_714_557_600_123_456_789n;
const at = (offset: number) => (BASE + BigInt(offset)).toString();

let collector: RunningCollector;
before(async () => {
  collector = await startTestCollector();
});
after(() => collector.close());

let traceCounter = 0;
/** Sends a trace whose spans are `[spanId, parentSpanId, start, end]` offsets from BASE; returns its id. */
async function sendTrace(spans: Array<[string, string, number, number]>, service = 'app'): Promise<string> {
  const traceId = (++traceCounter).toString(16).padStart(32, 'c');
  const otlpSpans: TestSpan[] = spans.map(([spanId, parent, start, end]) => ({
    traceId,
    spanId: spanId.padStart(16, '0'),
    parentSpanId: parent ? parent.padStart(16, '0') : undefined,
    service,
    start: at(start),
    end: at(end),
  }));
  await sendSpans(collector.otlpUrl, otlpSpans);
  return traceId;
}

/** The critical path as `[spanId, start, end]` offsets from BASE. */
async function path(traceId: string): Promise<Array<[string, number, number]>> {
  const { status, body } = await getJson(`${collector.queryUrl}/api/trace/${traceId}/critical-path`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.traceId, traceId);
  return body.segments.map((segment: { spanId: string; startTimeUnixNano: string; endTimeUnixNano: string }) => {
    assert.deepEqual(Object.keys(segment), ['spanId', 'startTimeUnixNano', 'endTimeUnixNano']);
    return [segment.spanId.replace(/^0+/, ''), Number(BigInt(segment.startTimeUnixNano) - BASE), Number(BigInt(segment.endTimeUnixNano) - BASE)];
  });
}

describe('critical path', () => {
  it('walks back from the root through the last-finishing children; a span can give several segments', async () => {
    // a: root 0..100; b 10..40 and c 30..90 overlap (c ends last); d 35..60 inside c.
    const traceId = await sendTrace([
      ['a', '', 0, 100],
      ['b', 'a', 10, 40],
      ['c', 'a', 30, 90],
      ['d', 'c', 35, 60],
    ]);
    assert.deepEqual(await path(traceId), [
      ['a', 0, 30],
      ['c', 30, 35],
      ['d', 35, 60],
      ['c', 60, 90],
      ['a', 90, 100],
    ]);
  });

  it('sequential children are all on the path, with the parent in the gaps', async () => {
    const traceId = await sendTrace([
      ['a', '', 0, 100],
      ['b', 'a', 10, 30],
      ['c', 'a', 40, 70],
    ]);
    assert.deepEqual(await path(traceId), [
      ['a', 0, 10],
      ['b', 10, 30],
      ['a', 30, 40],
      ['c', 40, 70],
      ['a', 70, 100],
    ]);
  });

  it('clips a child that outlives its parent and ignores one wholly outside it', async () => {
    const traceId = await sendTrace([
      ['a', '', 0, 100],
      ['b', 'a', 50, 150],
      ['c', 'a', 120, 130],
    ]);
    assert.deepEqual(await path(traceId), [
      ['a', 0, 50],
      ['b', 50, 100],
    ]);
  });

  it('takes only a child that ends strictly before the point reached (as Jaeger UI does)', async () => {
    const traceId = await sendTrace([
      ['a', '', 0, 100],
      ['b', 'a', 0, 50],
      ['c', 'a', 50, 100],
    ]);
    assert.deepEqual(await path(traceId), [
      ['a', 0, 50],
      ['c', 50, 100],
    ]);
  });

  it('a lone span is its own critical path; the root is the span without a parent', async () => {
    assert.deepEqual(await path(await sendTrace([['a', '', 5, 25]])), [['a', 5, 25]]);
    // The child arrives first and starts earlier than its parent: still clipped under the root.
    const traceId = await sendTrace([
      ['b', 'a', 0, 20],
      ['a', '', 10, 40],
    ]);
    assert.deepEqual(await path(traceId), [
      ['b', 10, 20],
      ['a', 20, 40],
    ]);
  });

  it('answers 404 for an unknown trace, 400 for a malformed id, and an empty path for a trace with only logs', async () => {
    const unknown = await getJson(`${collector.queryUrl}/api/trace/${'e'.repeat(32)}/critical-path`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, `trace ${'e'.repeat(32)} not found (no spans or logs with this id)`);
    const malformed = await getJson(`${collector.queryUrl}/api/trace/xyz/critical-path`);
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.message, 'malformed trace id (actual: "xyz"), expected 32 hex characters');

    const logsOnly = 'f'.repeat(31) + '1';
    const logs = { resourceLogs: [{ resource: {}, scopeLogs: [{ logRecords: [{ timeUnixNano: at(0), traceId: logsOnly, body: { stringValue: 'x' } }] }] }] };
    assert.equal((await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(logs), { 'Content-Type': 'application/json' })).status, 200);
    assert.deepEqual((await getJson(`${collector.queryUrl}/api/trace/${logsOnly}/critical-path`)).body, { traceId: logsOnly, segments: [] });
  });
});
