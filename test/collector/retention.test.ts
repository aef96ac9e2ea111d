/**
 * Retention by age, span count and database size: data past the limits is gone, newer data is
 * intact, new data is never refused, and all of it holds across a restart on the same file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StoreSchemaError } from '../../packages/otel-local/src/index';
import { openSqlite } from '../../packages/otel-local/src/store/sqlite';
import { getJson, post, startTestCollector } from './helpers';

const HOUR_MS = 3_600_000;
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'collector-retention-'));
  dirs.push(dir);
  return join(dir, 'telemetry.sqlite');
}

/** Deterministic trace id for test trace number `n`. */
const traceIdOf = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'a');

/** An OTLP JSON request with one trace of `spanCount` spans starting at `startMs`. */
function traceRequest(n: number, startMs: number, spanCount: number, padding = ''): string {
  const startNs = BigInt(startMs) * 1_000_000n;
  const spans = Array.from({ length: spanCount }, (_, index) => ({
    traceId: traceIdOf(n),
    spanId: (index + 1).toString(16).padStart(16, '0'),
    parentSpanId: index === 0 ? '' : '0000000000000001',
    name: `op-${index}`,
    startTimeUnixNano: String(startNs + BigInt(index) * 1000n),
    endTimeUnixNano: String(startNs + 1_000_000n),
    attributes: padding ? [{ key: 'padding', value: { stringValue: `${n}-${index}-${padding}` } }] : [],
  }));
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'retained' } }] }, scopeSpans: [{ spans }] }],
  });
}

function logRequest(body: string, timeMs: number, traceId?: string): string {
  const record: Record<string, unknown> = { timeUnixNano: String(BigInt(timeMs) * 1_000_000n), body: { stringValue: body } };
  if (traceId) record.traceId = traceId;
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
}

async function send(otlpUrl: string, path: '/v1/traces' | '/v1/logs', body: string): Promise<void> {
  const response = await post(`${otlpUrl}${path}`, body, { 'Content-Type': 'application/json' });
  assert.equal(response.status, 200, 'new data is never refused');
}

async function storedTraceIds(queryUrl: string): Promise<string[]> {
  const { body } = await getJson(`${queryUrl}/api/summaries?limit=1000`);
  return body.traces.map((trace: any) => trace.traceId).sort();
}

describe('store file', () => {
  it('refuses a file written by the previous schema, saying to delete it', async () => {
    const dbPath = tempDb();
    const old = openSqlite(dbPath);
    old.exec('CREATE TABLE spans (trace_id TEXT, span_id TEXT); PRAGMA user_version = 1;');
    old.close();
    await assert.rejects(startTestCollector({ dbPath }), (error: Error) => {
      assert.ok(error instanceof StoreSchemaError);
      assert.match(error.message, /unsupported schema \(actual: version 1\), expected version 2: .*delete .*telemetry\.sqlite/);
      return true;
    });
  });
});

describe('retention', () => {
  it('drops traces and logs older than the age limit, keeps newer ones, across a restart', async () => {
    const dbPath = tempDb();
    const now = Date.now();
    const first = await startTestCollector({ dbPath, retention: { maxAgeHours: 72 } });
    await send(first.otlpUrl, '/v1/traces', traceRequest(1, now - 100 * HOUR_MS, 3));
    await send(first.otlpUrl, '/v1/traces', traceRequest(2, now - HOUR_MS, 3));
    await send(first.otlpUrl, '/v1/logs', logRequest('old, in old trace', now - 100 * HOUR_MS, traceIdOf(1)));
    await send(first.otlpUrl, '/v1/logs', logRequest('old, no trace', now - 99 * HOUR_MS));
    await send(first.otlpUrl, '/v1/logs', logRequest('new, in new trace', now - HOUR_MS, traceIdOf(2)));
    await send(first.otlpUrl, '/v1/logs', logRequest('new, no trace', now - HOUR_MS));
    assert.deepEqual(await storedTraceIds(first.queryUrl), [traceIdOf(1), traceIdOf(2)]);
    first.prune(now);
    assert.deepEqual(await storedTraceIds(first.queryUrl), [traceIdOf(2)]);
    assert.equal(first.stats.spansPruned, 3);
    assert.equal(first.stats.logsPruned, 2);
    await first.close();

    // Same file, new instance: pruned data stays gone, the rest survived.
    const second = await startTestCollector({ dbPath, retention: { maxAgeHours: 72 } });
    try {
      assert.deepEqual(await storedTraceIds(second.queryUrl), [traceIdOf(2)]);
      assert.equal((await getJson(`${second.queryUrl}/api/trace/${traceIdOf(1)}`)).status, 404);
      const trace = await getJson(`${second.queryUrl}/api/trace/${traceIdOf(2)}`);
      assert.equal(trace.body.spans.length, 3);
      const logs = await getJson(`${second.queryUrl}/api/logs`);
      assert.deepEqual(logs.body.logs.map((log: any) => log.body), ['new, in new trace', 'new, no trace']);
      const health = await getJson(`${second.queryUrl}/api/health`);
      assert.deepEqual([health.body.stats.stored.spans, health.body.stats.stored.logs, health.body.stats.stored.traces], [3, 2, 1]);
      assert.deepEqual((await getJson(`${second.queryUrl}/api/v3/operations?service=retained`)).body.operations.length, 3);
    } finally {
      await second.close();
    }
  });

  it('keeps the span count under the limit by dropping the oldest traces first', async () => {
    const dbPath = tempDb();
    const now = Date.now();
    const collector = await startTestCollector({ dbPath, retention: { maxSpans: 10 } });
    // Sent out of time order: retention goes by trace start time, not arrival.
    const order = [3, 1, 5, 2, 4];
    for (const n of order) await send(collector.otlpUrl, '/v1/traces', traceRequest(n, now - (10 - n) * 60_000, 4));
    const health = await getJson(`${collector.queryUrl}/api/health`);
    assert.ok(health.body.stats.stored.spans <= 10, `stored ${health.body.stats.stored.spans} spans`);
    assert.equal(health.body.stats.spansStored, 20);
    const kept = await storedTraceIds(collector.queryUrl);
    assert.ok(kept.includes(traceIdOf(5)) && kept.includes(traceIdOf(4)), 'the newest traces are intact');
    assert.ok(!kept.includes(traceIdOf(1)) && !kept.includes(traceIdOf(2)), 'the oldest traces are gone');
    const newest = await getJson(`${collector.queryUrl}/api/trace/${traceIdOf(5)}`);
    assert.equal(newest.body.spans.length, 4);
    await collector.close();

    const reopened = await startTestCollector({ dbPath, retention: { maxSpans: 10 } });
    try {
      assert.deepEqual(await storedTraceIds(reopened.queryUrl), kept);
    } finally {
      await reopened.close();
    }
  });

  it('keeps the database under its size limit', async () => {
    const dbPath = tempDb();
    const now = Date.now();
    const collector = await startTestCollector({ dbPath, retention: { maxDbMb: 1 } });
    try {
      const padding = 'x'.repeat(20_000);
      // ~30 traces x 5 spans x 20 KB = ~3 MB offered to a 1 MiB store.
      for (let n = 1; n <= 30; n++) await send(collector.otlpUrl, '/v1/traces', traceRequest(n, now - (60 - n) * 1000, 5, padding));
      const health = await getJson(`${collector.queryUrl}/api/health`);
      assert.ok(health.body.stats.stored.dbBytes <= 1024 * 1024, `db uses ${health.body.stats.stored.dbBytes} bytes`);
      assert.ok(health.body.stats.tracesPruned > 0);
      const kept = await storedTraceIds(collector.queryUrl);
      assert.ok(kept.includes(traceIdOf(30)), 'the newest trace is intact');
      assert.ok(!kept.includes(traceIdOf(1)), 'the oldest trace is gone');
      assert.equal((await getJson(`${collector.queryUrl}/api/trace/${traceIdOf(30)}`)).body.spans.length, 5);
    } finally {
      await collector.close();
    }
  });
});
