/**
 * A trace reads as the request (issue 9, items 1 to 4), through a real `next build && next start`
 * of the example in both modes, real HTTP and the real OTLP exporters into the embedded collector:
 * one root per request named `METHOD /route` that covers every span of the request, with the
 * current HTTP semantic conventions, `next.entry_point` and `next.runtime`; the proxy a child
 * span; a Server Action its own span, inside and outside the proxy matcher; each `after()`
 * callback its own span; errors in a page, Route Handler, Server Action or the proxy on the root
 * (once), and on the action's span, with no error message in a status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTRY_POINTS_BY_MODE, PUBLIC_ACTION_PAGE, actionIdOf, callAction, callEntryPoint } from './client';
import type { EntryPoint } from './client';
import { signIn, useStack, waitForTrace } from './harness';
import type { StoredSpan, StoredTrace } from './harness';
import { assertRequestRoot, isComplete, nanos, proxySpan, rootOf } from './trace-assertions';

const EXPECTED: Record<EntryPoint, { root: string; entryPoint: string; route: string }> = {
  nested: { root: 'GET /nested', entryPoint: 'page', route: '/nested' },
  streaming: { root: 'GET /streaming', entryPoint: 'page', route: '/streaming' },
  cached: { root: 'GET /cached', entryPoint: 'page', route: '/cached' },
  route: { root: 'GET /api/whoami', entryPoint: 'route', route: '/api/whoami' },
  action: { root: 'POST /action', entryPoint: 'action', route: '/action' },
  edge: { root: 'GET /api/edge/whoami', entryPoint: 'route', route: '/api/edge/whoami' },
};

const INBOUND_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INBOUND_SPAN = '00f067aa0ba902b7';

function assertFailedRoot(trace: StoredTrace, root: StoredSpan, type: string, message: string): void {
  assert.equal(root.status.code, 'error', `the root ${root.name} has error status`);
  const events = root.events.filter((e) => e.name === 'exception');
  assert.equal(events.length, 1, 'the root has one exception event');
  const event = events[0]!;
  assert.equal(event.attributes['exception.type'], type);
  assert.equal(event.attributes['exception.message'], message);
  assert.match(String(event.attributes['exception.stacktrace']), new RegExp(`${type}: ${message}`));
  for (const span of trace.spans) {
    assert.ok(!span.status.message.includes(message), `no error message in the status of ${span.name}: ${span.status.message}`);
    assert.ok(!span.name.includes(message), `no error message in the name of ${span.name}`);
  }
}

/** The child `name` of `root` has error status and the exception event of a `type` error. */
function assertFailedSpan(trace: StoredTrace, root: StoredSpan, name: string, type: string): void {
  const spans = trace.spans.filter((span) => span.name === name);
  assert.equal(spans.length, 1, `one span ${name}: ${trace.spans.map((span) => span.name).join(', ')}`);
  assert.equal(spans[0]!.parentSpanId, root.spanId, `${name} is a child of the root`);
  assert.equal(spans[0]!.status.code, 'error', `${name} has error status`);
  assert.deepEqual(spans[0]!.events.filter((e) => e.name === 'exception').map((e) => e.attributes['exception.type']), [type], `${name} has one exception event`);
}

for (const mode of ['cache-components', 'classic'] as const) describe(`one trace reads as the request (${mode})`, { timeout: 10 * 60_000 }, () => {
  const stack = useStack({ mode, env: { OTEL_LOG_LEVEL: 'warn' } });

  for (const entry of ENTRY_POINTS_BY_MODE[mode]) {
    it(`${entry}: one root ${EXPECTED[entry].root} covering the request, the proxy a child, current HTTP attributes`, async () => {
      const userId = `tree-${entry}`;
      const cookie = await signIn(stack().baseUrl, userId);
      const { traceId } = await callEntryPoint(stack().baseUrl, entry, cookie);
      const expected = EXPECTED[entry];
      const trace = await waitForTrace(stack().queryUrl, traceId, isComplete(expected.root));
      const edge = entry === 'edge';
      const root = assertRequestRoot(trace, { ...expected, status: 200, runtime: edge ? 'edge' : 'nodejs', userId });
      assert.equal(root.parentSpanId, '');
      assert.equal(proxySpan(trace, root).attributes['user.id'], userId);
    });
  }

  if (mode === 'classic') {
    it('a dynamic edge Route Handler: the root is named by its route pattern (from the build\'s edge functions), as the edge sandbox\'s handler span is', async () => {
      const cookie = await signIn(stack().baseUrl, 'edge-dynamic-user');
      const response = await fetch(`${stack().baseUrl}/api/edge/42`, { headers: { cookie } });
      const { id, traceId } = (await response.json()) as { id: string; traceId: string };
      assert.equal(id, '42');
      const isHandler = (span: StoredSpan) => span.attributes['next.span_type'] === 'AppRouteRouteHandlers.runHandler';
      const trace = await waitForTrace(stack().queryUrl, traceId, (t) => isComplete('GET /api/edge/[id]')(t) && t.spans.some(isHandler));
      const root = assertRequestRoot(trace, { root: 'GET /api/edge/[id]', entryPoint: 'route', route: '/api/edge/[id]', path: '/api/edge/42', status: 200, runtime: 'edge', userId: 'edge-dynamic-user' });
      assert.equal(root.name, 'GET /api/edge/[id]');
      assert.equal(root.attributes['http.route'], '/api/edge/[id]');
      assert.equal(root.attributes['url.path'], '/api/edge/42');
      assert.deepEqual(trace.spans.filter((span) => span.name === 'route /api/edge/[id]').map((span) => span.parentSpanId), [root.spanId], 'the render pass under the proxy is named by the route too');
      const handler = trace.spans.find(isHandler)!;
      assert.equal(handler.attributes['next.route'], '/api/edge/[id]', 'the sandbox\'s own span has the route pattern');
      assert.equal(handler.parentSpanId, root.spanId);
    });
  }

  if (mode === 'classic') {
    it('an edge Route Handler outside the proxy matcher runs in the root\'s trace, its sandbox spans under the root', async () => {
      for (const headers of [{}, { traceparent: `00-${INBOUND_TRACE.slice(0, 30)}e0-${INBOUND_SPAN}-01` }] as Array<Record<string, string>>) {
        const response = await fetch(`${stack().baseUrl}/api/public/edge`, { headers });
        const { traceId } = (await response.json()) as { traceId: string };
        const isHandler = (span: StoredSpan) => span.attributes['next.span_type'] === 'AppRouteRouteHandlers.runHandler';
        const trace = await waitForTrace(stack().queryUrl, traceId, (t) => isComplete('GET /api/public/edge')(t) && t.spans.some(isHandler));
        const root = assertRequestRoot(trace, { root: 'GET /api/public/edge', entryPoint: 'route', route: '/api/public/edge', status: 200, runtime: 'edge' });
        assert.equal(root.parentSpanId, 'traceparent' in headers ? INBOUND_SPAN : '');
        assert.equal(trace.spans.find(isHandler)?.parentSpanId, root.spanId, 'the handler span is a child of the root');
      }
    });
  }

  it('an inbound traceparent stays the root\'s parent, inside and outside the proxy matcher', async () => {
    for (const [path, name, id] of [['/api/whoami', 'GET /api/whoami', '01'], ['/api/public/whoami', 'GET /api/public/whoami', '02']] as const) {
      const traceId = `${INBOUND_TRACE.slice(0, 30)}${id}`;
      const response = await fetch(`${stack().baseUrl}${path}`, { headers: { traceparent: `00-${traceId}-${INBOUND_SPAN}-01` } });
      assert.equal(((await response.json()) as { traceId: string }).traceId, traceId, 'the client\'s trace id is kept');
      const trace = await waitForTrace(stack().queryUrl, traceId, isComplete(name));
      const root = assertRequestRoot(trace, { root: name, entryPoint: 'route', route: name.split(' ')[1], status: 200 });
      assert.equal(root.parentSpanId, INBOUND_SPAN);
      assert.equal(trace.spans.filter((span) => span.name === 'proxy').length, path === '/api/whoami' ? 1 : 0, 'a proxy span only inside the matcher');
    }
  });

  for (const [page, where, userId] of [['/action', 'inside the proxy matcher', 'action-span-user'], [PUBLIC_ACTION_PAGE, 'outside the proxy matcher (anonymous)', undefined]] as const) {
    it(`a Server Action ${where}: its own span named by the action, with the user and the action id, never its arguments or result`, async () => {
      const cookie = await signIn(stack().baseUrl, 'action-span-user');
      const secret = 'argument-that-must-not-be-traced';
      const response = await callAction(stack().baseUrl, 'whoAmIAction', JSON.stringify([{ traceId: secret, userId: secret }]), { cookie }, page);
      const payload = await response.text();
      const traceId = /"traceId":"([0-9a-f]{32})"/.exec(payload)?.[1];
      assert.ok(traceId, `an action result: ${payload.slice(0, 200)}`);
      const rootName = `POST ${page}`;
      const trace = await waitForTrace(stack().queryUrl, traceId, (t) => isComplete(rootName)(t) && t.spans.some((span) => span.name === 'action whoAmIAction'));
      const root = assertRequestRoot(trace, { root: rootName, entryPoint: 'action', route: page, status: 200, userId });
      assert.equal(root.attributes['user.id'], userId);
      const action = trace.spans.filter((span) => span.name === 'action whoAmIAction');
      assert.equal(action.length, 1, `one action span: ${trace.spans.map((span) => span.name).join(', ')}`);
      assert.equal(action[0]!.parentSpanId, root.spanId);
      assert.equal(action[0]!.attributes['user.id'], userId);
      assert.equal(action[0]!.attributes['next.action.id'], actionIdOf(mode, 'whoAmIAction'));
      assert.equal(action[0]!.attributes['next.action.name'], 'whoAmIAction');
      assert.equal(trace.spans.filter((span) => span.name === 'proxy').length, userId === undefined ? 0 : 1, 'a proxy span only inside the matcher');
      const everything = JSON.stringify(trace.spans.map((span) => [span.name, span.attributes, span.events]));
      assert.ok(!everything.includes(secret), 'no argument in any span');
      assert.ok(!everything.includes(`"traceId":"${traceId}"`), 'no result in any span');
    });
  }

  it('after(): the callback runs in its own span under the root, started once the handler returned, with the request\'s user and log line', async () => {
    const cookie = await signIn(stack().baseUrl, 'after-span-user');
    const { traceId } = await callEntryPoint(stack().baseUrl, 'route', cookie);
    const trace = await waitForTrace(stack().queryUrl, traceId, (t) => t.spans.some((span) => span.name === 'after') && t.logs.some((log) => log.body === 'after() callback ran'));
    const root = rootOf(trace);
    const after = trace.spans.filter((span) => span.name === 'after');
    assert.equal(after.length, 1, 'one span for the one callback');
    assert.equal(after[0]!.parentSpanId, root.spanId, 'a child of the request\'s root');
    assert.equal(after[0]!.attributes['next.entry_point'], 'after');
    assert.equal(after[0]!.attributes['user.id'], 'after-span-user');
    const handler = trace.spans.find((span) => span.attributes['next.span_type'] === 'AppRouteRouteHandlers.runHandler');
    assert.ok(handler && nanos(after[0]!.startTimeUnixNano) >= nanos(handler.endTimeUnixNano), 'started when the callback ran, after the handler returned');
    const line = trace.logs.find((log) => log.body === 'after() callback ran')!;
    assert.equal(line.spanId, after[0]!.spanId, 'the log line belongs to the after span');
    assert.equal(line.userId, 'after-span-user');
    assert.equal(line.attributes.after_trace_id, traceId);
  });

  type Headers = Record<string, string>;
  // `span`: Next.js's or the library's span where the error happened, which records it too.
  const failures: Array<{ what: string; call: (headers: Headers) => Promise<Response>; root: string; entryPoint: string; routeType: string; type: string; message: string; status: number; span?: string }> = [
    { what: 'a Route Handler', call: (headers) => fetch(`${stack().baseUrl}/api/boom`, { headers }), root: 'GET /api/boom', entryPoint: 'route', routeType: 'route', type: 'TypeError', message: 'the demo failed on purpose', status: 500 },
    { what: 'a page (streamed)', call: (headers) => fetch(`${stack().baseUrl}/fail`, { headers }), root: 'GET /fail', entryPoint: 'page', routeType: 'render', type: 'RangeError', message: 'the page failed on purpose', status: 200 },
    { what: 'a Server Action', call: (headers) => callAction(stack().baseUrl, 'failingAction', '[]', headers), root: 'POST /action', entryPoint: 'action', routeType: 'action', type: 'SyntaxError', message: 'the action failed on purpose', status: 500, span: 'action failingAction' },
    { what: 'a Server Action outside the proxy matcher', call: (headers) => callAction(stack().baseUrl, 'failingAction', '[]', headers, PUBLIC_ACTION_PAGE), root: `POST ${PUBLIC_ACTION_PAGE}`, entryPoint: 'action', routeType: 'action', type: 'SyntaxError', message: 'the action failed on purpose', status: 500, span: 'action failingAction' },
    { what: 'the proxy', call: (headers) => fetch(`${stack().baseUrl}/api/proxy-boom`, { headers }), root: 'GET /api/proxy-boom', entryPoint: 'proxy', routeType: 'proxy', type: 'EvalError', message: 'the proxy failed on purpose', status: 500 },
  ];
  for (const [index, failure] of failures.entries()) {
    it(`an error in ${failure.what} marks the request's root with error status and an exception event, and writes one error log line; no message in any status`, async () => {
      const cookie = await signIn(stack().baseUrl, `failing-${failure.entryPoint}`);
      // The client's traceparent pins the failing request's trace id.
      const traceId = `${INBOUND_TRACE.slice(0, 28)}${mode === 'classic' ? 'c' : 'a'}${index}ff`;
      const response = await failure.call({ cookie, traceparent: `00-${traceId}-${INBOUND_SPAN}-01` });
      await response.text();
      const trace = await waitForTrace(stack().queryUrl, traceId, (t) => isComplete(failure.root)(t) && rootOf(t).status.code === 'error');
      const root = assertRequestRoot(trace, { root: failure.root, entryPoint: failure.entryPoint, status: response.status });
      assert.equal(response.status, failure.status);
      assertFailedRoot(trace, root, failure.type, failure.message);
      if (failure.span !== undefined) assertFailedSpan(trace, root, failure.span, failure.type);
      const lines = stack().next.stdout.filter((line) => line.includes('"request failed"') && line.includes(traceId)).map((line) => JSON.parse(line) as { routeType: string; trace_id: string; 'exception.type': string; user_id?: string });
      assert.equal(lines.length, 1, `one error log line for the request: ${JSON.stringify(lines)}`);
      assert.deepEqual([lines[0]!.routeType, lines[0]!['exception.type']], [failure.routeType, failure.type]);
    });
  }

  it('prints no "operation on ended span" warning (OTEL_LOG_LEVEL=warn)', () => {
    const warnings = [...stack().next.stderr, ...stack().next.stdout].filter((line) => /ended span/i.test(line));
    assert.deepEqual(warnings, []);
  });
});
