/**
 * Query server: Jaeger api_v3, the legacy Jaeger API (Grafana's subset) and the viewer API,
 * against fixtures written from Jaeger's documented shapes; error answers; SSE; static viewer.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VIEWER_CSP } from '../../packages/otel-local/src/http/static';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736'; // frontend -> backend, error, 3 spans, 2 logs, user u-1
const TRACE_B = '5b8efff798038103d269b633813fc60c'; // frontend only, 2 ms, user u-2, newer

let collector: RunningCollector;
let viewerDir: string;
const api = (path: string) => getJson(`${collector.queryUrl}${path}`);

before(async () => {
  viewerDir = mkdtempSync(join(tmpdir(), 'viewer-'));
  writeFileSync(join(viewerDir, 'index.html'), '<!doctype html><title>viewer</title>');
  mkdirSync(join(viewerDir, 'assets'));
  writeFileSync(join(viewerDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(viewerDir, 'secret.txt'), 'not an asset');
  collector = await startTestCollector({ viewerDir });
  for (const [path, file] of [['/v1/traces', 'otlp-traces.json'], ['/v1/logs', 'otlp-logs.json']] as const) {
    const response = await post(`${collector.otlpUrl}${path}`, fixture(file), { 'Content-Type': 'application/json' });
    assert.equal(response.status, 200);
  }
});
after(async () => {
  await collector.close();
  rmSync(viewerDir, { recursive: true, force: true });
});

/** Trace ids in an api_v3 (OTLP JSON) answer. */
function v3TraceIds(body: any): string[] {
  const ids = new Set<string>();
  for (const resourceSpans of body.result.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) for (const span of scopeSpans.spans) ids.add(span.traceId);
  }
  return [...ids].sort();
}

describe('Jaeger api_v3', () => {
  it('GET /api/v3/traces/{id} returns OTLP JSON in {"result"}', async () => {
    const { status, body } = await api(`/api/v3/traces/${TRACE_A}`);
    assert.equal(status, 200);
    assert.deepEqual(body, JSON.parse(fixture('jaeger-v3-trace.json')));
  });

  it('services and operations', async () => {
    assert.deepEqual((await api('/api/v3/services')).body, { services: ['backend', 'frontend'] });
    assert.deepEqual((await api('/api/v3/operations?service=backend')).body, {
      operations: [
        { name: 'POST /charge', spanKind: 'server' },
        { name: 'SELECT cards', spanKind: 'client' },
      ],
    });
    assert.deepEqual((await api('/api/v3/operations?service=backend&span_kind=client')).body, {
      operations: [{ name: 'SELECT cards', spanKind: 'client' }],
    });
    const bad = await api('/api/v3/operations?service=backend&span_kind=sideways');
    assert.equal(bad.status, 400);
  });

  it('trace search filters', async () => {
    // Jaeger requires the start-time window; an empty result is Jaeger's 404 "No traces found".
    const window = 'query.start_time_min=2024-01-01T00:00:00Z&query.start_time_max=2025-01-01T00:00:00Z';
    const search = async (query: string) => {
      const { status, body } = await api(`/api/v3/traces?${query.includes('start_time') ? '' : `${window}&`}${query}`);
      return status === 404 ? [] : v3TraceIds(body);
    };
    assert.deepEqual(await search('query.service_name=frontend'), [TRACE_A, TRACE_B]);
    assert.deepEqual(await search('query.service_name=frontend&query.operation_name=GET%20/health'), [TRACE_B]);
    assert.deepEqual(await search('query.service_name=frontend&query.duration_min=100ms'), [TRACE_A]);
    assert.deepEqual(await search('query.service_name=frontend&query.duration_max=1.5ms'), []);
    assert.deepEqual(await search('query.service_name=frontend&query.start_time_min=2024-05-01T10:03:00Z&query.start_time_max=2024-05-01T11:00:00Z'), [TRACE_B]);
    assert.deepEqual(await search(`query.service_name=frontend&query.attributes=${encodeURIComponent('{"user.id":"u-2"}')}`), [TRACE_B]);
    assert.deepEqual(await search('query.service_name=frontend&query.search_depth=1'), [TRACE_B]);
    assert.deepEqual(await search('query.service_name=nobody'), []);
  });

  it('bad parameters and unknown traces', async () => {
    const badDuration = await api('/api/v3/traces?query.service_name=frontend&query.startTimeMin=2024-01-01T00:00:00Z&query.startTimeMax=2025-01-01T00:00:00Z&query.duration_min=fast');
    assert.equal(badDuration.status, 400);
    assert.match(badDuration.body.error.message, /malformed parameter query.duration_min \(actual: "fast"\), expected a duration/);
    assert.equal(badDuration.body.error.code, 400);
    const badTime = await api('/api/v3/traces?query.service_name=frontend&query.start_time_min=yesterday&query.start_time_max=2025-01-01T00:00:00Z');
    assert.equal(badTime.status, 400);
    assert.match(badTime.body.error.message, /RFC 3339/);
    const badId = await api('/api/v3/traces/not-a-trace-id');
    assert.equal(badId.status, 400);
    assert.match(badId.body.error.message, /expected 1 to 32 hex characters/);
    const unknown = await api(`/api/v3/traces/${'f'.repeat(32)}`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: { code: 404, httpCode: 404, message: `trace ${'f'.repeat(32)} not found` } });
  });
});

describe('Jaeger legacy API', () => {
  it('GET /api/traces/{id} returns the Jaeger trace model', async () => {
    const { status, body } = await api(`/api/traces/${TRACE_A}`);
    assert.equal(status, 200);
    assert.deepEqual(body, JSON.parse(fixture('jaeger-legacy-trace.json')));
  });

  it('services and operations in the data envelope', async () => {
    assert.deepEqual((await api('/api/services')).body, { data: ['backend', 'frontend'], total: 2, limit: 0, offset: 0, errors: null });
    assert.deepEqual((await api('/api/services/backend/operations')).body, {
      data: ['POST /charge', 'SELECT cards'],
      total: 2,
      limit: 0,
      offset: 0,
      errors: null,
    });
    assert.deepEqual((await api('/api/operations?service=frontend')).body.data, [
      { name: 'GET /checkout', spanKind: 'server' },
      { name: 'GET /health', spanKind: 'server' },
    ]);
  });

  it('trace search as Grafana sends it', async () => {
    const ids = async (query: string) => {
      const { status, body } = await api(`/api/traces?${query}`);
      assert.equal(status, 200);
      assert.equal(body.total, 0, "Jaeger's handler leaves total unset on trace answers");
      assert.equal(body.errors, null);
      return body.data.map((trace: any) => trace.traceID).sort();
    };
    const windowMicros = 'start=1714557000000000&end=1714558000000000';
    assert.deepEqual(await ids(`service=frontend&${windowMicros}&limit=20`), [TRACE_A, TRACE_B]);
    assert.deepEqual(await ids('service=backend&minDuration=100ms'), [TRACE_A]);
    assert.deepEqual(await ids('service=backend&maxDuration=50ms'), [TRACE_A], 'SELECT cards took 30ms');
    assert.deepEqual(await ids('service=frontend&maxDuration=5ms'), [TRACE_B]);
    assert.deepEqual(await ids(`service=backend&tags=${encodeURIComponent('{"db.system":"postgresql"}')}`), [TRACE_A]);
    assert.deepEqual(await ids(`service=frontend&tags=${encodeURIComponent('{"error":"true"}')}`), []);
    assert.deepEqual(await ids(`service=backend&tags=${encodeURIComponent('{"error":"true"}')}`), [TRACE_A]);
    assert.deepEqual(await ids('service=backend&tag=host.name:box-1'), [TRACE_A], 'resource attributes match too');
    assert.deepEqual(await ids('service=frontend&operation=GET%20/checkout'), [TRACE_A]);
    assert.deepEqual(await ids('service=frontend&start=1714557800000000'), [TRACE_B]);
    assert.deepEqual(await ids('service=frontend&limit=1'), [TRACE_B], 'newest first');
    assert.deepEqual(await ids(`traceID=${TRACE_B}`), [TRACE_B]);
    assert.deepEqual(await ids(`traceID=${TRACE_B}&traceID=${TRACE_A}`), [TRACE_A, TRACE_B], 'repeated traceID');
    assert.deepEqual(await ids(`traceID=${TRACE_A}&traceID=${TRACE_A}`), [TRACE_A], 'each trace once');
  });

  it('repeated traceID: an id not found is listed in errors as Jaeger does, the others answered', async () => {
    const unknown = 'c'.repeat(32);
    const { status, body } = await api(`/api/traces?traceID=${TRACE_A}&traceID=${unknown}`);
    assert.equal(status, 200);
    assert.deepEqual(body.data.map((trace: any) => trace.traceID), [TRACE_A]);
    assert.deepEqual(body.errors, [{ msg: 'trace not found', traceID: unknown }]);
    assert.equal((await api('/api/traces?traceID=nothex')).status, 400);
  });

  it('lookback (Go durations and days) counts back from end, or from now', async () => {
    // TRACE_A starts at 1714557600 s, TRACE_B 300 s later; end is TRACE_B's start in microseconds.
    const ids = async (query: string) => (await api(`/api/traces?service=frontend&end=1714557900000000&${query}`)).body.data.map((trace: any) => trace.traceID).sort();
    assert.deepEqual(await ids('lookback=300s'), [TRACE_A, TRACE_B], 'the start bound is inclusive');
    assert.deepEqual(await ids('lookback=299s'), [TRACE_B]);
    assert.deepEqual(await ids('lookback=5m'), [TRACE_A, TRACE_B]);
    assert.deepEqual(await ids('lookback=4m59s'), [TRACE_B]);
    assert.deepEqual(await ids('lookback=1d'), [TRACE_A, TRACE_B]);
    assert.deepEqual(await ids('lookback=custom&start=1714557900000000'), [TRACE_B], 'custom: start and end as given');
    assert.deepEqual(await ids('lookback=1h&start=1714557900000000'), [TRACE_B], 'an explicit start wins over lookback');
    // Without end, lookback counts back from now: the 2024 fixtures are older than 2 days.
    assert.deepEqual((await api('/api/traces?service=frontend&lookback=2d')).body.data, []);
    const bad = await api('/api/traces?service=frontend&lookback=soon');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].msg, 'malformed parameter lookback (actual: "soon"), expected a duration such as 1.5ms, 250us, 2s or 1m30s');
  });

  it('errors use the Jaeger envelope', async () => {
    const missingService = await api('/api/traces?operation=x');
    assert.equal(missingService.status, 400);
    assert.deepEqual(missingService.body.errors, [{ code: 400, msg: "parameter 'service' is required" }]);
    assert.equal(missingService.body.data, null);
    const badDuration = await api('/api/traces?service=frontend&minDuration=10parsecs');
    assert.equal(badDuration.status, 400);
    assert.match(badDuration.body.errors[0].msg, /malformed parameter minDuration/);
    const badLimit = await api('/api/traces?service=frontend&limit=-1');
    assert.equal(badLimit.status, 400);
    const unknown = await api(`/api/traces/${'a'.repeat(32)}`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.errors, [{ code: 404, msg: 'trace not found' }]);
    assert.equal((await api('/api/traces/xyz')).status, 400);
  });

  it('dependencies', async () => {
    const { body } = await api('/api/dependencies?endTs=1714560000000&lookback=86400000');
    assert.deepEqual(body, { data: [{ parent: 'frontend', child: 'backend', callCount: 1 }], total: 0, limit: 0, offset: 0, errors: null });
    const outside = await api('/api/dependencies?endTs=1600000000000&lookback=1000');
    assert.deepEqual(outside.body.data, []);
  });
});

describe('viewer API', () => {
  it('GET /api/trace/{id} returns spans and logs', async () => {
    const { status, body } = await api(`/api/trace/${TRACE_A}`);
    assert.equal(status, 200);
    assert.deepEqual(body, JSON.parse(fixture('viewer-trace.json')));
    assert.deepEqual(body.logs.map((log: any) => log.body), ['charging card', 'card declined']);
  });

  it('404 for unknown traces, 400 for malformed ids', async () => {
    const unknown = await api(`/api/trace/${'c'.repeat(32)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 404);
    assert.equal((await api('/api/trace/12345')).status, 400);
  });

  it('summaries, newest first, with filters', async () => {
    const all = await api('/api/summaries');
    assert.deepEqual(all.body.traces.map((trace: any) => trace.traceId), [TRACE_B, TRACE_A]);
    assert.deepEqual(all.body.traces[1], {
      traceId: TRACE_A,
      rootService: 'frontend',
      rootName: 'GET /checkout',
      services: ['backend', 'frontend'],
      spanCount: 3,
      errorCount: 1,
      startTimeUnixNano: '1714557600000000000',
      durationNano: '250000000',
      userId: 'u-1',
      logCount: 2,
      entryPoints: [],
    });
    const ids = async (query: string) => (await api(`/api/summaries?${query}`)).body.traces.map((trace: any) => trace.traceId);
    assert.deepEqual(await ids('service=backend'), [TRACE_A]);
    assert.deepEqual(await ids('userId=u-2'), [TRACE_B]);
    assert.deepEqual(await ids('errorsOnly=1'), [TRACE_A]);
    assert.deepEqual(await ids('minDurationMs=100'), [TRACE_A]);
    assert.deepEqual(await ids('maxDurationMs=2.5'), [TRACE_B]);
    assert.deepEqual(await ids('operation=SELECT%20cards'), [TRACE_A]);
    assert.deepEqual(await ids('attr=db.system%3Dpostgresql'), [TRACE_A]);
    assert.deepEqual(await ids('attr=http.status_code%3D200'), [TRACE_A]);
    assert.deepEqual(await ids('attr=host.name%3Dbox-1'), [TRACE_A], 'resource attributes match too');
    assert.deepEqual(await ids('attr=db.system%3Dpostgresql&attr=user.id%3Du-1'), [TRACE_A], 'pairs from different spans');
    assert.deepEqual(await ids('attr=db.system%3Dmysql'), []);
    assert.deepEqual(await ids('attr=error%3Dtrue'), [TRACE_A]);
    assert.deepEqual(await ids('startMs=1714557800000&endMs=1714558000000'), [TRACE_B]);
    assert.deepEqual(await ids('limit=1'), [TRACE_B]);
    assert.equal((await api('/api/summaries?minDurationMs=soon')).status, 400);
    assert.equal((await api('/api/summaries?limit=0')).status, 400);
  });

  it('logs by trace, user, level and text, oldest first', async () => {
    const bodies = async (query: string) => (await api(`/api/logs?${query}`)).body.logs.map((log: any) => log.body);
    assert.deepEqual(await bodies(`traceId=${TRACE_A}`), ['charging card', 'card declined']);
    assert.deepEqual(await bodies('userId=u-1'), ['charging card', 'card declined']);
    assert.deepEqual(await bodies('userId=u-2'), ['disk almost full']);
    assert.deepEqual(await bodies('level=warn'), ['card declined', 'disk almost full']);
    assert.deepEqual(await bodies('q=DISK'), ['disk almost full']);
    assert.deepEqual(await bodies('limit=1'), ['disk almost full'], 'the newest record');
    assert.deepEqual(await bodies('beforeNs=1714557600190000000'), ['charging card']);
    assert.deepEqual(await bodies('spanId=1111111111111111&level=error'), ['card declined']);
    const [log] = (await api('/api/logs?userId=u-2')).body.logs;
    assert.deepEqual(log, {
      id: log.id,
      timeUnixNano: '1714557960000000000',
      observedTimeUnixNano: '1714557960000000001',
      severityNumber: 13,
      severityText: 'WARN',
      body: 'disk almost full',
      traceId: '',
      spanId: '',
      userId: 'u-2',
      serviceName: 'backend',
      attributes: { 'enduser.id': 'u-2' },
      resource: { 'service.name': 'backend' },
      traceKnown: false,
      eventName: '',
    });
    const [known] = (await api(`/api/logs?traceId=${TRACE_A}`)).body.logs;
    assert.equal(known.traceKnown, true);
    assert.equal((await api('/api/logs?level=loud')).status, 400);
    assert.equal((await api('/api/logs?traceId=zz')).status, 400);
  });

  it('pages logs sharing a nanosecond with the (beforeNs, beforeId) cursor, skipping none', async () => {
    const t = 1714557990000000000n;
    const record = (body: string, time: bigint) => ({
      timeUnixNano: String(time),
      body: { stringValue: body },
      attributes: [{ key: 'user.id', value: { stringValue: 'pager' } }],
    });
    const records = [record('a', t - 1n), record('b', t), record('c', t), record('d', t), record('e', t), record('f', t + 1n)];
    const posted = await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] }), {
      'Content-Type': 'application/json',
    });
    assert.equal(posted.status, 200);
    const page = async (query: string) => (await api(`/api/logs?userId=pager&limit=2${query}`)).body.logs as any[];
    const seen: string[] = [];
    let logs = await page('');
    assert.deepEqual(logs.map((log) => log.body), ['e', 'f']);
    // The old cursor (time only) skips b, c and d, which share e's nanosecond.
    assert.deepEqual((await page(`&beforeNs=${logs[0].timeUnixNano}`)).map((log) => log.body), ['a']);
    while (logs.length) {
      seen.unshift(...logs.map((log) => log.body));
      logs = await page(`&beforeNs=${logs[0].timeUnixNano}&beforeId=${logs[0].id}`);
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e', 'f']);
    const lonely = await api('/api/logs?beforeId=3');
    assert.equal(lonely.status, 400);
    assert.match(lonely.body.error.message, /malformed parameter beforeId .* together with beforeNs/);
    assert.equal((await api(`/api/logs?beforeNs=${t}&beforeId=x`)).status, 400);
  });

  it('attribute search finds pairs from every batch of a trace', async () => {
    const traceId = 'abcdef0123456789abcdef0123456789';
    const batch = (spanId: string, attributes: unknown[]) =>
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: 'step', startTimeUnixNano: '1600000000000000000', endTimeUnixNano: '1600000000000000001', attributes }] }] }],
      });
    for (const body of [
      batch('0000000000000001', [{ key: 'order.id', value: { intValue: '4711' } }]),
      batch('0000000000000002', [{ key: 'order.state', value: { stringValue: 'paid' } }, { key: 'order.ok', value: { boolValue: true } }]),
    ]) {
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, body, { 'Content-Type': 'application/json' })).status, 200);
    }
    const ids = async (query: string) => (await api(`/api/summaries?${query}`)).body.traces.map((trace: any) => trace.traceId);
    assert.deepEqual(await ids('attr=order.id%3D4711'), [traceId]);
    assert.deepEqual(await ids('attr=order.state%3Dpaid&attr=order.id%3D4711&attr=order.ok%3Dtrue'), [traceId]);
    assert.deepEqual(await ids('attr=order.id%3D4712'), []);
  });

  it('summaries say whether the list was cut off by the limit', async () => {
    const all = (await api('/api/summaries')).body;
    assert.equal(all.truncated, false);
    assert.equal(all.traces.length, 3);
    assert.equal((await api('/api/summaries?limit=3')).body.truncated, false, 'exactly limit matches');
    const one = (await api('/api/summaries?limit=1')).body;
    assert.equal(one.truncated, true);
    assert.deepEqual(one.traces.map((trace: any) => trace.traceId), [TRACE_B]);
  });

  it('sends a logs event for log records without a trace id', async () => {
    const controller = new AbortController();
    const response = await fetch(`${collector.queryUrl}/api/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const untraced = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1714557999000000000', body: { stringValue: 'no trace' } }] }] }] };
    await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(untraced), { 'Content-Type': 'application/json' });
    let text = '';
    while (!/event: logs\ndata: .*\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    const data = /event: logs\ndata: (.*)\n/.exec(text);
    assert.ok(data, text);
    assert.deepEqual(JSON.parse(data[1]!), { traceIds: [] });
  });

  it('streams ingest notifications over SSE', async () => {
    const controller = new AbortController();
    const response = await fetch(`${collector.queryUrl}/api/events`, { signal: controller.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const traceId = '0123456789abcdef0123456789abcdef';
    const spans = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '0123456789abcdef', name: 'live', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }],
    };
    await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(spans), { 'Content-Type': 'application/json' });
    let text = '';
    while (!text.includes('event: spans')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    const data = /event: spans\ndata: (.*)\n/.exec(text);
    assert.ok(data, text);
    assert.deepEqual(JSON.parse(data[1]!), { traceIds: [traceId] });
  });
});

describe('static viewer and routing', () => {
  /** Raw request, so paths are sent exactly as written (fetch would normalise `..`). */
  function rawGet(path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string; headers: IncomingHttpHeaders }> {
    const { hostname, port } = new URL(collector.queryUrl);
    return new Promise((resolve, reject) => {
      const request = httpRequest({ hostname, port, path, method }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type'], body, headers: response.headers }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('serves index.html for page routes and assets with content types', async () => {
    for (const path of ['/', `/trace/${TRACE_A}`, '/logs']) {
      const page = await rawGet(path);
      assert.equal(page.status, 200, path);
      assert.equal(page.type, 'text/html; charset=utf-8');
      assert.match(page.body, /<title>viewer<\/title>/);
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.equal(page.headers['content-security-policy'], VIEWER_CSP);
    }
    const asset = await rawGet('/assets/app.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.type, 'text/javascript; charset=utf-8');
    assert.equal(asset.body, 'console.log(1)');
    assert.equal(asset.headers['cache-control'], 'no-cache', 'revalidated, so an upgrade never mixes old modules with a new page');
    assert.equal(asset.headers['content-security-policy'], undefined);
    assert.equal((await rawGet('/assets/missing.js')).status, 404);
  });

  it('the CSP forbids framing and every answer says nosniff', async () => {
    assert.match(VIEWER_CSP, /^default-src 'none'; script-src 'self'; .*; form-action 'none'; frame-ancestors 'none'$/);
    const shipped = readFileSync(new URL('../../packages/otel-local/viewer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(shipped)![1]!;
    assert.equal(`${meta}; frame-ancestors 'none'`, VIEWER_CSP, 'header = the page\'s meta policy + frame-ancestors');
    for (const path of ['/', '/logs', '/assets/app.js', '/assets/missing.js', '/api/health', '/api/nope', `/api/trace/${TRACE_A}`, '/api/v3/services', '/api/services']) {
      assert.equal((await rawGet(path)).headers['x-content-type-options'], 'nosniff', path);
    }
    assert.equal((await rawGet('/api/summaries', 'POST')).headers['x-content-type-options'], 'nosniff');
    const events = await fetch(`${collector.queryUrl}/api/events`);
    assert.equal(events.headers.get('x-content-type-options'), 'nosniff');
    await events.body!.cancel();
  });

  it('never serves files outside viewer/assets', async () => {
    for (const path of ['/assets/../secret.txt', '/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%5csecret.txt', '/assets/%00']) {
      const answer = await rawGet(path);
      assert.notEqual(answer.body, 'not an asset', path);
    }
  });

  it('unknown API paths are JSON 404s; other methods 405', async () => {
    const unknown = await rawGet('/api/nope');
    assert.equal(unknown.status, 404);
    assert.match(JSON.parse(unknown.body).error.message, /unknown API endpoint/);
    const postAnswer = await rawGet('/api/summaries', 'POST');
    assert.equal(postAnswer.status, 405);
  });

  it('serves a placeholder when the viewer is not installed', async () => {
    const bare = await startTestCollector({ viewerDir: join(viewerDir, 'does-not-exist') });
    try {
      const response = await fetch(bare.queryUrl);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-security-policy'), VIEWER_CSP);
      assert.match(await response.text(), /web viewer is not installed/);
    } finally {
      await bare.close();
    }
  });
});
