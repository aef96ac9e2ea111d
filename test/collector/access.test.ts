/**
 * Who may talk to the collector: Host-header checks against DNS rebinding and Origin checks
 * against cross-site browser requests on both listeners; off loopback, the bearer token (header,
 * or the viewer's `?token=` first load that sets an HttpOnly SameSite=Strict cookie).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { startTestCollector } from './helpers';

const TRACES_BODY = JSON.stringify({ resourceSpans: [] });

/** A raw request with exactly the given headers (fetch does not let a test set Host). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const postTraces = (collector: RunningCollector, headers: Record<string, string>) =>
  raw(`${collector.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: TRACES_BODY });

describe('Host and Origin checks (DNS rebinding, cross-site requests)', () => {
  let collector: RunningCollector;
  before(async () => {
    collector = await startTestCollector();
  });
  after(() => collector.close());

  it('the query server refuses a foreign Host with 421 before anything else', async () => {
    for (const path of ['/api/health', '/', '/api/v3/services', '/api/nope']) {
      const response = await raw(`${collector.queryUrl}${path}`, { headers: { Host: 'evil.example' } });
      assert.equal(response.status, 421, path);
      assert.match(JSON.parse(response.text).error.message, /^Host header is not allowed \(actual: "evil.example"\), expected localhost, 127.0.0.1/);
      assert.doesNotMatch(response.text, /memory|dbPath/);
    }
  });

  it('the receiver refuses a foreign Host with 421 and stores nothing', async () => {
    const response = await postTraces(collector, { Host: 'evil.example:4318' });
    assert.equal(response.status, 421);
    assert.match(JSON.parse(response.text).message, /Host header is not allowed/);
    assert.equal(collector.stats.requestsReceived, 0);
  });

  it('accepts loopback names with or without port', async () => {
    for (const host of ['localhost', 'localhost:16686', '127.0.0.1', '127.0.0.1:9', '[::1]', '[::1]:16686', 'app.localhost:3000']) {
      assert.equal((await raw(`${collector.queryUrl}/api/health`, { headers: { Host: host } })).status, 200, host);
      assert.equal((await postTraces(collector, { Host: host })).status, 200, host);
    }
  });

  it('refuses cross-site Origins with 403, allows loopback origins and the server itself', async () => {
    const self = new URL(collector.queryUrl);
    const query = (origin: string) => raw(`${collector.queryUrl}/api/summaries`, { headers: { Origin: origin } });
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1.evil.example']) {
      const response = await query(origin);
      assert.equal(response.status, 403, origin);
      assert.match(JSON.parse(response.text).error.message, /^cross-site request refused \(actual: Origin /);
      assert.equal((await postTraces(collector, { Origin: origin })).status, 403, origin);
    }
    for (const origin of [self.origin, 'http://localhost:3000', 'http://[::1]:8080']) {
      assert.equal((await query(origin)).status, 200, origin);
      assert.equal((await postTraces(collector, { Origin: origin })).status, 200, origin);
    }
  });

  it('needs no token on loopback', () => {
    assert.equal(collector.token, undefined);
  });
});

describe('token off loopback', () => {
  let collector: RunningCollector;
  const logged: string[] = [];
  before(async () => {
    // 0.0.0.0 is "off loopback"; the test still connects through 127.0.0.1.
    collector = await startTestCollector({ host: '0.0.0.0', log: (message) => logged.push(message) });
  });
  after(() => collector.close());
  const local = (url: string) => url.replace('0.0.0.0', '127.0.0.1');

  it('generates a token and logs it once with a warning', () => {
    assert.match(collector.token ?? '', /^[A-Za-z0-9_-]{32}$/);
    const warnings = logged.filter((message) => message.includes(collector.token!));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^WARNING: .*not only on loopback/);
  });

  it('answers 401 with WWW-Authenticate: Bearer without the token or with a wrong one', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-wrong-token' }] as Array<Record<string, string>>) {
      for (const path of ['/api/health', '/', '/api/v3/services']) {
        const response = await raw(`${local(collector.queryUrl)}${path}`, { headers });
        assert.equal(response.status, 401, path);
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
        assert.match(JSON.parse(response.text).error.message, /token \(actual: .*\), expected Authorization: Bearer <token>/);
      }
      const ingest = await postTraces({ ...collector, otlpUrl: local(collector.otlpUrl) }, headers);
      assert.equal(ingest.status, 401);
      assert.match(String(ingest.headers['www-authenticate']), /^Bearer/);
    }
    assert.equal(collector.stats.requestsReceived, 0);
  });

  it('accepts Authorization: Bearer <token> on both listeners; any IP literal Host when bound to 0.0.0.0', async () => {
    const auth = { Authorization: `Bearer ${collector.token}` };
    assert.equal((await raw(`${local(collector.queryUrl)}/api/health`, { headers: auth })).status, 200);
    assert.equal((await raw(`${local(collector.queryUrl)}/api/health`, { headers: { ...auth, Host: '192.168.1.20:16686' } })).status, 200);
    assert.equal((await raw(`${local(collector.queryUrl)}/api/health`, { headers: { ...auth, Host: 'evil.example' } })).status, 421);
    assert.equal((await postTraces({ ...collector, otlpUrl: local(collector.otlpUrl) }, auth)).status, 200);
  });

  it('the viewer\'s ?token= first load sets an HttpOnly SameSite=Strict cookie that later requests carry', async () => {
    const first = await raw(`${local(collector.queryUrl)}/trace/abc?token=${collector.token}&x=1`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, '/trace/abc?x=1');
    const cookie = String(first.headers['set-cookie']);
    assert.match(cookie, /^otel_local_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const next = await raw(`${local(collector.queryUrl)}/api/summaries`, { headers: { Cookie: cookie.split(';')[0]! } });
    assert.equal(next.status, 200);
    const wrongCookie = await raw(`${local(collector.queryUrl)}/api/summaries`, { headers: { Cookie: 'otel_local_token=nope' } });
    assert.equal(wrongCookie.status, 401);
    // The receiver takes only the header: a browser cannot post spans with the viewer's cookie.
    assert.equal((await postTraces({ ...collector, otlpUrl: local(collector.otlpUrl) }, { Cookie: cookie.split(';')[0]! })).status, 401);
  });

  it('takes a given token instead of generating one, and rejects a weak one', async () => {
    const given = await startTestCollector({ host: '0.0.0.0', token: 'a-given-token-0123456789' });
    try {
      assert.equal(given.token, 'a-given-token-0123456789');
      const ok = await raw(`${local(given.queryUrl)}/api/health`, { headers: { Authorization: 'Bearer a-given-token-0123456789' } });
      assert.equal(ok.status, 200);
    } finally {
      await given.close();
    }
    await assert.rejects(startTestCollector({ token: 'short' }), /token is invalid \(actual: 5 characters\), expected at least 16/);
  });
});
