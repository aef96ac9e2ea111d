/** The outbound fetch wrapper injects trace context for allow-listed origins only, by parsed origin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { propagation } from '@opentelemetry/api';
import { runWithRequestContext } from '../../packages/next-request-context/src/index';
import { installOutboundPropagation } from '../../packages/next-request-context/src/otel/outbound-fetch';

describe('installOutboundPropagation', () => {
  /** What the wrapped fetch was called with, read as fetch itself reads it (init overrides a Request's fields). */
  const seen: Array<{ url: string; method: string; headers: Record<string, string>; traceparent: string | null }> = [];
  const recorder = (async (input: RequestInfo | URL, init?: RequestInit) => {
    let request: Request | undefined;
    try {
      request = new Request(input, init);
    } catch {
      // relative, malformed or with credentials: the real fetch would reject it; record the raw call
    }
    const headers = request?.headers ?? new Headers(init?.headers);
    seen.push({ url: request?.url ?? String(input), method: request?.method ?? init?.method ?? 'GET', headers: Object.fromEntries(headers), traceparent: headers.get('traceparent') });
    return new Response('ok');
  }) as typeof fetch;
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator()] }));
  globalThis.fetch = recorder;
  installOutboundPropagation(['http://127.0.0.1:4100']);

  const cases: Array<[string, boolean]> = [
    ['http://127.0.0.1:4100/inventory', true],
    ['http://127.0.0.1:4100', true],
    ['http://127.0.0.1:41000/inventory', false],
    ['http://127.0.0.1:4100.evil.example/x', false],
    ['http://127.0.0.1:4100@evil.example/x', false],
    ['https://127.0.0.1:4100/x', false],
    ['/relative', false],
  ];
  for (const [url, injected] of cases) {
    it(`${injected ? 'injects into' : 'leaves alone'} ${url}`, async () => {
      seen.length = 0;
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      await runWithRequestContext({ userId: 'u', traceId }, () => fetch(url));
      assert.equal(seen.length, 1);
      if (injected) assert.match(seen[0].traceparent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      else assert.equal(seen[0].traceparent, null);
    });
  }

  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const CALLER = { authorization: 'Bearer secret-token', 'x-custom': 'kept' };
  const callerHeaderForms: Array<[string, () => Parameters<typeof fetch>]> = [
    ['a plain object', () => ['http://127.0.0.1:4100/x', { headers: { ...CALLER } }]],
    ['a Headers object', () => ['http://127.0.0.1:4100/x', { headers: new Headers(CALLER) }]],
    ['an array of pairs', () => ['http://127.0.0.1:4100/x', { headers: Object.entries(CALLER) }]],
    ['a Request object', () => [new Request('http://127.0.0.1:4100/x', { headers: CALLER })]],
    ['a URL object', () => [new URL('http://127.0.0.1:4100/x'), { headers: CALLER }]],
  ];
  for (const [form, args] of callerHeaderForms) {
    it(`keeps the caller's own headers given as ${form}, and adds traceparent`, async () => {
      seen.length = 0;
      await runWithRequestContext({ userId: 'u', traceId: TRACE_ID }, () => fetch(...args()));
      assert.equal(seen.length, 1);
      assert.equal(seen[0].url, 'http://127.0.0.1:4100/x');
      assert.equal(seen[0].headers.authorization, CALLER.authorization);
      assert.equal(seen[0].headers['x-custom'], CALLER['x-custom']);
      assert.match(seen[0].traceparent ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    });
  }

  it("keeps a Request's method and body, and leaves the caller's Headers object unchanged", async () => {
    seen.length = 0;
    const callerHeaders = new Headers(CALLER);
    await runWithRequestContext({ traceId: TRACE_ID }, () => fetch(new Request('http://127.0.0.1:4100/x', { method: 'POST', headers: callerHeaders, body: 'payload' })));
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].headers.authorization, CALLER.authorization);
    assert.ok(seen[0].traceparent);
    await runWithRequestContext({ traceId: TRACE_ID }, () => fetch('http://127.0.0.1:4100/x', { headers: callerHeaders }));
    assert.ok(seen[1].traceparent);
    assert.equal(callerHeaders.get('traceparent'), null, "the caller's object is not modified");

    // A Request and init headers together: init's headers win, as with fetch itself.
    seen.length = 0;
    await runWithRequestContext({ traceId: TRACE_ID }, () => fetch(new Request('http://127.0.0.1:4100/x', { headers: { 'x-custom': 'from-request' } }), { headers: { 'x-custom': 'from-init' } }));
    assert.equal(seen[0].headers['x-custom'], 'from-init');
    assert.ok(seen[0].traceparent);
  });
});
