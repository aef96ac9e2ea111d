/**
 * The query server's static viewer and live events, and the receiver's connection bounds, by their literal values
 * (API.md, "Web viewer", `GET /api/events`, "Slow and idle clients"; http/static.ts, http/events.ts, receiver.ts):
 * content types per extension, `Cache-Control: no-cache`, the pages' Content-Security-Policy, HEAD without a body,
 * confinement to viewer/assets, the placeholder page; SSE events after batches that stored something (and only
 * then), `{"traceIds": []}` for untraced logs, ids coalesced per event; the receiver's Node server bounds.
 * A real collector in-process on 127.0.0.1, real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { createReceiverServer } from '../../packages/otel-local/src/receiver/receiver';
import { LiveEvents } from '../../packages/otel-local/src/http/events';
import { CollectorStats } from '../../packages/otel-local/src/shared/stats';
import { TelemetryStore } from '../../packages/otel-local/src/store/index';
import { post, startTestCollector } from './helpers';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const JSON_TYPE = { 'Content-Type': 'application/json' };

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function request(url: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { method, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'mod.mjs': 'text/javascript; charset=utf-8',
  'LOUD.JS': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'data.json': 'application/json; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'icon.svg': 'image/svg+xml',
  'img.png': 'image/png',
  'photo.jpg': 'image/jpeg',
  'photo.jpeg': 'image/jpeg',
  'anim.gif': 'image/gif',
  'favicon.ico': 'image/x-icon',
  'pic.webp': 'image/webp',
  'font.woff': 'font/woff',
  'font.woff2': 'font/woff2',
  'notes.txt': 'text/plain; charset=utf-8',
  'page.html': 'text/html; charset=utf-8',
  'blob.bin': 'application/octet-stream',
  'no-extension': 'application/octet-stream',
};

describe('viewer files (static.ts)', () => {
  let collector: RunningCollector;
  before(async () => {
    const viewerDir = tempDir('viewer-files-');
    writeFileSync(join(viewerDir, 'index.html'), '<!doctype html><title>the viewer</title>');
    writeFileSync(join(viewerDir, 'outside.txt'), 'not an asset');
    mkdirSync(join(viewerDir, 'assets', 'sub'), { recursive: true });
    for (const name of Object.keys(ASSET_TYPES)) writeFileSync(join(viewerDir, 'assets', name), `content of ${name}`);
    writeFileSync(join(viewerDir, 'assets', 'sub', 'deep.js'), 'deep');
    writeFileSync(join(viewerDir, 'assets', 'with space.js'), 'spaced');
    collector = await startTestCollector({ viewerDir });
  });
  after(() => collector.close());

  it('serves each asset with its content type, length and Cache-Control: no-cache', async () => {
    for (const [name, type] of Object.entries(ASSET_TYPES)) {
      const answer = await request(`${collector.queryUrl}/assets/${name}`);
      assert.equal(answer.status, 200, name);
      assert.equal(answer.headers['content-type'], type, name);
      assert.equal(answer.headers['cache-control'], 'no-cache', name);
      assert.equal(answer.headers['content-length'], String(Buffer.byteLength(`content of ${name}`)), name);
      assert.equal(answer.body, `content of ${name}`);
    }
    assert.equal((await request(`${collector.queryUrl}/assets/sub/deep.js`)).body, 'deep');
    assert.equal((await request(`${collector.queryUrl}/assets/with%20space.js`)).body, 'spaced', 'percent-decoded');
  });

  it('HEAD answers the headers without a body', async () => {
    const asset = await request(`${collector.queryUrl}/assets/app.js`, 'HEAD');
    assert.deepEqual([asset.status, asset.headers['content-length'], asset.headers['content-type'], asset.body], [200, String(Buffer.byteLength('content of app.js')), 'text/javascript; charset=utf-8', '']);
    const page = await request(`${collector.queryUrl}/trace/abc`, 'HEAD');
    assert.deepEqual([page.status, page.headers['content-security-policy'], page.body], [200, CSP, '']);
  });

  it('every page route serves index.html with the Content-Security-Policy and no-cache', async () => {
    for (const path of ['/', '/trace/0123456789abcdef0123456789abcdef', '/logs', '/anything/else']) {
      const page = await request(`${collector.queryUrl}${path}`);
      assert.equal(page.status, 200, path);
      assert.equal(page.body, '<!doctype html><title>the viewer</title>', path);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.equal(page.headers['content-security-policy'], CSP, path);
    }
  });

  it('nothing outside viewer/assets, no directories, no NUL: 404 naming the path; bad percent-encoding: 400', async () => {
    for (const path of ['/assets/missing.js', '/assets/sub', '/assets/..%2foutside.txt', '/assets/a%00.js', '/assets/', '/assets/%2fetc%2fpasswd']) {
      const answer = await request(`${collector.queryUrl}${path}`);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(answer.body, `asset not found: ${path}`);
    }
    const malformed = await request(`${collector.queryUrl}/assets/%E0%A4%A.js`);
    assert.deepEqual([malformed.status, malformed.headers['content-type'], malformed.body], [400, 'text/plain; charset=utf-8', 'malformed asset path: invalid percent-encoding']);
  });

  it('without viewer/index.html: a placeholder page (no-store, with the CSP) pointing at the APIs', async () => {
    const bare = await startTestCollector({ viewerDir: tempDir('viewer-missing-') });
    try {
      const page = await request(`${bare.queryUrl}/`);
      assert.equal(page.status, 200);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.equal(page.headers['content-security-policy'], CSP);
      assert.match(page.body, /^<!doctype html>\n<html><head><meta charset="utf-8"><title>Embedded OpenTelemetry collector<\/title>/);
      assert.match(page.body, /the web viewer is not installed \(no <code>viewer\/index\.html<\/code> in the otel-local package\)/);
      assert.match(page.body, /<a href="\/api\/health">\/api\/health<\/a>/);
      const head = await request(`${bare.queryUrl}/logs`, 'HEAD');
      assert.deepEqual([head.status, head.body], [200, '']);
    } finally {
      await bare.close();
    }
  });
});

/** An SSE client of /api/events that collects the events it receives. */
async function subscribe(collector: RunningCollector) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpRequest(`${collector.queryUrl}/api/events`, { agent: false }, resolve).on('error', reject).end();
  });
  let text = '';
  const waiters: Array<() => void> = [];
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    text += chunk;
    waiters.splice(0).forEach((wake) => wake());
  });
  const blocks = () => text.split('\n\n').slice(0, -1);
  return {
    response,
    /** The complete blocks received so far. */
    blocks,
    /** Waits until `count` complete blocks have arrived. */
    async until(count: number): Promise<string[]> {
      while (blocks().length < count) await new Promise<void>((wake) => waiters.push(wake));
      return blocks();
    },
    close: () => response.destroy(),
  };
}

function spansRequest(traceIds: string[]): string {
  const spans = traceIds.map((traceId, index) => ({ traceId, spanId: (index + 1).toString(16).padStart(16, '0'), name: 'live', startTimeUnixNano: '1', endTimeUnixNano: '2' }));
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

describe('live events (events.ts)', () => {
  it('one event per batch that stored something, with its trace ids; none for a batch of duplicates', async () => {
    const collector = await startTestCollector();
    const client = await subscribe(collector);
    try {
      assert.equal(client.response.statusCode, 200);
      assert.equal(client.response.headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(client.response.headers['cache-control'], 'no-cache');
      assert.deepEqual(await client.until(1), [': connected']);
      const a = 'a'.repeat(32);
      const b = 'b'.repeat(32);
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([a, b]), JSON_TYPE)).status, 200);
      assert.deepEqual((await client.until(2))[1], `event: spans\ndata: {"traceIds":["${a}","${b}"]}`);
      // the same spans again store nothing (duplicates): no spans event; an untraced log record: a logs event, no ids
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([a, b]), JSON_TYPE)).status, 200);
      const untraced = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '5', body: { stringValue: 'no trace' } }] }] }] };
      assert.equal((await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(untraced), JSON_TYPE)).status, 200);
      assert.deepEqual((await client.until(3))[2], 'event: logs\ndata: {"traceIds":[]}');
      // a rejected-only batch stores nothing either; then a new trace
      const c = 'c'.repeat(32);
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest(['0'.repeat(32)]), JSON_TYPE)).status, 200);
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([c]), JSON_TYPE)).status, 200);
      assert.deepEqual((await client.until(4))[3], `event: spans\ndata: {"traceIds":["${c}"]}`);
      assert.equal(collector.stats.eventsDropped, 0);
    } finally {
      client.close();
      await collector.close();
    }
  });

  it('closing the collector ends the streams', async () => {
    const collector = await startTestCollector();
    const client = await subscribe(collector);
    await client.until(1);
    const ended = new Promise<void>((resolve) => client.response.on('close', () => resolve()));
    await collector.close();
    await ended;
  });
});

describe("receiver's Node server bounds (receiver.ts)", () => {
  it('headersTimeout, keepAliveTimeout and maxConnections are the configured limits', () => {
    const stats = new CollectorStats();
    const store = new TelemetryStore(':memory:', {}, stats);
    const events = new LiveEvents(stats);
    try {
      const server = createReceiverServer({
        store,
        stats,
        events,
        maxBodyBytes: 1000,
        maxConcurrentRequests: 3,
        log: () => {},
        host: '127.0.0.1',
        token: undefined,
        limits: { headersTimeoutMs: 7_000, bodyTimeoutMs: 11_000, minBodyBytesPerSecond: 10, bodyGraceMs: 2_000, keepAliveTimeoutMs: 4_000, maxConnections: 9 },
      });
      assert.deepEqual([server.headersTimeout, server.keepAliveTimeout, server.maxConnections], [7_000, 4_000, 9]);
    } finally {
      events.close();
      store.close();
    }
  });

  it('a connection past maxConnections is closed unanswered', async () => {
    const collector = await startTestCollector({ connectionLimits: { maxConnections: 1 } });
    try {
      const { hostname, port } = new URL(collector.otlpUrl);
      const exportRequest = `POST /v1/metrics HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;
      // the first connection is answered and kept alive
      const first = connect(Number(port), hostname);
      const firstAnswer = new Promise<string>((resolve) => first.once('data', (data) => resolve(data.toString())));
      first.write(exportRequest);
      assert.match(await firstAnswer, /^HTTP\/1\.1 200 OK/);
      // the second is over the bound: closed without an answer
      const second = connect(Number(port), hostname);
      let secondData = '';
      second.on('data', (data) => (secondData += data.toString()));
      second.on('error', () => {});
      second.write(exportRequest);
      await new Promise((resolve) => second.once('close', resolve));
      assert.equal(secondData, '');
      first.destroy();
    } finally {
      await collector.close();
    }
  });

  it('a connection that never sends a byte is closed after headersTimeoutMs', async () => {
    const collector = await startTestCollector({ connectionLimits: { headersTimeoutMs: 200 } });
    try {
      const { hostname, port } = new URL(collector.otlpUrl);
      const silent = connect(Number(port), hostname);
      let data = '';
      silent.on('data', (chunk) => (data += chunk.toString()));
      silent.on('error', () => {});
      await new Promise((resolve) => silent.once('close', resolve));
      assert.ok(data === '' || data.startsWith('HTTP/1.1 408 '), data); // closed silently, or with Node's own 408
    } finally {
      await collector.close();
    }
  });
});
