/** The outbound fetch wrapper injects trace context for allow-listed origins only, by parsed origin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { propagation } from '@opentelemetry/api';
import { runWithRequestContext } from '../../packages/next-request-context/src/index';
import { installOutboundPropagation } from '../../packages/next-request-context/src/otel/outbound-fetch';

describe('installOutboundPropagation', () => {
  const seen: Array<{ url: string; traceparent: string | null }> = [];
  const recorder = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    seen.push({ url, traceparent: headers.get('traceparent') });
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

  it('keeps the caller headers, for a Request object too', async () => {
    seen.length = 0;
    await runWithRequestContext({}, () => fetch(new Request('http://127.0.0.1:4100/x', { headers: { 'x-app': '1' } })));
    assert.ok(seen[0].traceparent);
  });
});
