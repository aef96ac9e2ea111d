/**
 * The request-root processor (README, "What a trace looks like"), driven with the real OpenTelemetry
 * SDK and spans shaped exactly as Next.js 16 creates them (node_modules/next: base-server.js's
 * `BaseServer.handleRequest`, web/adapter.js's `Middleware.execute`, app-render.js's
 * `AppRender.getBodyResult`, app-route/module.js's `AppRouteRouteHandlers.runHandler`,
 * pipe-readable.js's `NextNodeServer.startResponse`). Each test plays one request: the pass(es) start
 * from the headers the propagators extract, the spans end in Next.js's order, and the exported spans
 * are checked by their literal names, attributes, parents, status, events and end times.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, trace } from '@opentelemetry/api';
import type { Context, HrTime } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, Sampler, Span } from '@opentelemetry/sdk-trace-base';
import { RequestRootProcessor } from '../../packages/next-request-context/src/otel/request-root-processor';
import type { ProxyErrorReport } from '../../packages/next-request-context/src/otel/request-root-processor';
import { RequestStatePropagator, requestState, rootSpan } from '../../packages/next-request-context/src/otel/request-state';
import { UserIdSpanProcessor } from '../../packages/next-request-context/src/otel/user-span-processor';
import { enterRequestScope } from '../../packages/next-request-context/src/context/scope';
import { setPiiPolicy } from '../../packages/next-request-context/src/context/pii-policy';
import { setFieldAttributeNames } from '../../packages/next-request-context/src/context/fields';
import type { EdgeRouteOf } from '../../packages/next-request-context/src/otel/edge-routes';

const MANIFESTS = Symbol.for('next.server.manifests');
const T0 = 1_700_000_000;
const at = (seconds: number, nanos = 0): HrTime => [T0 + seconds, nanos];

type Setup = { onProxyError?: ProxyErrorReport; edgeRouteOf?: EdgeRouteOf };

let exporter: InMemorySpanExporter;
let processor: RequestRootProcessor;
let provider: BasicTracerProvider;

function setUp(options: Setup = {}): void {
  exporter = new InMemorySpanExporter();
  processor = new RequestRootProcessor(options);
  provider = new BasicTracerProvider({ spanProcessors: [new UserIdSpanProcessor(), processor, new SimpleSpanProcessor(exporter)] });
}

const tracer = () => provider.getTracer('next.js', '16.4.6');

/** The context Next.js starts a pass in: the global propagator's `extract` over the inbound headers (user scope first, as the trusted propagator does). */
function pass(headers: Record<string, string>, userId: string | undefined = 'alice', fields: Record<string, string> = { tenantId: 'acme' }): Context {
  let ctx = enterRequestScope(ROOT_CONTEXT, userId, fields);
  ctx = new W3CTraceContextPropagator().extract(ctx, headers, defaultTextMapGetter);
  return new RequestStatePropagator().extract(ctx, headers, defaultTextMapGetter);
}

/** A span as Next.js's tracer starts it: `next.span_*` attributes first, then the span's own. */
function nextSpan(ctx: Context, type: string, name: string, attributes: Record<string, string | number | boolean> = {}, startTime: HrTime = at(0)): Span {
  return tracer().startSpan(name, { kind: type === 'BaseServer.handleRequest' ? SpanKind.SERVER : SpanKind.INTERNAL, startTime, attributes: { 'next.span_category': 'nextjs', 'next.span_name': name, 'next.span_type': type, ...attributes } }, ctx) as Span;
}

const under = (ctx: Context, parent: Span) => trace.setSpan(ctx, parent);

function handleRequest(ctx: Context, method: string, target: string, startTime: HrTime = at(0)): Span {
  return nextSpan(ctx, 'BaseServer.handleRequest', method, { 'http.method': method, 'http.target': target }, startTime);
}

/** What base-server.js does when `handleRequestImpl` settles: status code, then the route and name when one was reported. */
function settle(span: Span, method: string, status: number, route?: string): void {
  span.setAttributes({ 'http.status_code': status, 'next.rsc': false });
  if (route !== undefined) {
    span.setAttributes({ 'next.route': route, 'http.route': route, 'next.span_name': `${method} ${route}` });
    span.updateName(`${method} ${route}`);
  } else span.updateName(method);
}

const exported = (): ReadableSpan[] => exporter.getFinishedSpans();
function one(name: string): ReadableSpan {
  const found = exported().filter((span) => span.name === name);
  assert.equal(found.length, 1, `one exported span named ${name} (exported: ${exported().map((s) => s.name).join(', ')})`);
  return found[0]!;
}
const idOf = (span: { spanContext(): { spanId: string } }) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Plays a proxy pass that lets the request continue: returns its span, and the headers of the render pass (with the proxy pass's traceparent, as Next.js forwards it). */
function proxyPassContinuing(target: string, headers: Record<string, string> = {}, method = 'GET'): { passSpan: Span; proxy: Span; renderHeaders: Record<string, string> } {
  const ctx = pass(headers);
  const passSpan = handleRequest(ctx, method, target);
  const proxy = nextSpan(under(ctx, passSpan), 'Middleware.execute', `middleware ${method}`, { 'http.target': target.split('?')[0]!, 'http.method': method }, at(0, 100));
  proxy.end(at(0, 200));
  settle(passSpan, method, 200);
  passSpan.setAttribute('next.bubble', true);
  passSpan.end(at(0, 300));
  return { passSpan, proxy, renderHeaders: { ...headers } };
}

beforeEach(() => {
  setPiiPolicy('plain', []);
  setFieldAttributeNames({});
  delete (globalThis as Record<symbol, unknown>)[MANIFESTS];
});
afterEach(async () => {
  await processor.shutdown();
});

describe('request without a proxy', () => {
  it('a page: the one pass is the root `GET /nested` with the current HTTP attributes, entry point, runtime and user; no query string', () => {
    setUp();
    const headers: Record<string, string> = {};
    const ctx = pass(headers);
    const root = handleRequest(ctx, 'GET', '/nested?token=abc&q=1');
    // the pass's own traceparent goes into its inbound headers (a plain object in nodejs)
    assert.equal(headers.traceparent, `00-${root.spanContext().traceId}-${idOf(root)}-01`);
    const render = nextSpan(under(ctx, root), 'AppRender.getBodyResult', 'render route (app) /nested', { 'next.route': '/nested' }, at(0, 10));
    const response = nextSpan(under(ctx, render), 'NextNodeServer.startResponse', 'start response', {}, at(0, 20));
    response.end(at(0, 30));
    settle(root, 'GET', 200, '/nested');
    root.end(at(1));
    assert.deepEqual(exported().map((s) => s.name), ['start response'], 'the root waits for the page render span');
    render.end(at(2));

    // the root ends inside the render span's end, before the exporting processor sees that span
    assert.deepEqual(exported().map((s) => s.name), ['start response', 'GET /nested', 'render route (app) /nested']);
    const span = one('GET /nested');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.deepEqual(span.attributes, {
      'next.span_category': 'nextjs',
      'next.span_name': 'GET /nested',
      'next.span_type': 'BaseServer.handleRequest',
      'user.id': 'alice',
      'app.tenant_id': 'acme',
      'next.rsc': false,
      'next.route': '/nested',
      'http.route': '/nested',
      'http.request.method': 'GET',
      'url.path': '/nested',
      'http.response.status_code': 200,
      'next.entry_point': 'page',
      'next.runtime': 'nodejs',
    });
    assert.deepEqual(span.endTime, at(1), 'ended at the time Next.js gave');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(parentOf(one('render route (app) /nested')), idOf(root));
  });

  it('a Route Handler: entry point `route`; a root ended without a time ends no earlier than its response', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'POST', '/api/items/7');
    const handler = nextSpan(under(ctx, root), 'AppRouteRouteHandlers.runHandler', 'executing api route (app) /api/items/[id]', { 'next.route': '/api/items/[id]' });
    handler.end(at(0, 50));
    const response = nextSpan(under(ctx, root), 'NextNodeServer.startResponse', 'start response');
    settle(root, 'POST', 201, '/api/items/[id]');
    const before = Date.now();
    root.end();
    const after = Date.now();
    assert.equal(exported().some((s) => s.name === 'POST /api/items/[id]'), false, 'open until the response is written');
    const late: HrTime = [Math.floor(after / 1000) + 1000, 5];
    response.end(late);
    const span = one('POST /api/items/[id]');
    assert.equal(span.attributes['next.entry_point'], 'route');
    assert.equal(span.attributes['http.route'], '/api/items/[id]');
    assert.equal(span.attributes['url.path'], '/api/items/7');
    assert.equal(span.attributes['http.request.method'], 'POST');
    assert.equal(span.attributes['http.response.status_code'], 201);
    assert.deepEqual(span.endTime, late, 'the response ended after the pass: the root ends with it');
    assert.ok(before >= 0 && after >= before);
  });

  it('a root ended without a time after its response ends at the time it was ended', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/');
    const response = nextSpan(under(ctx, root), 'NextNodeServer.startResponse', 'start response');
    response.end(at(0, 5));
    settle(root, 'GET', 200, '/');
    const before = Date.now();
    root.end();
    const after = Date.now();
    const span = one('GET /');
    const endMillis = span.endTime[0] * 1000 + span.endTime[1] / 1e6;
    assert.ok(endMillis >= before && endMillis <= after, `ended when ended (${endMillis} in [${before}, ${after}])`);
  });

  it('an edge handler run in the nodejs sandbox (no route, no handler span): named by the build\'s edge route, runtime `edge`', () => {
    const asked: string[] = [];
    setUp({ edgeRouteOf: (path) => (asked.push(path), path.startsWith('/api/edge/') ? '/api/edge/[id]' : undefined) });
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/api/edge/42?x=1');
    // spans of other types (here an outbound fetch still open) neither make it a page nor hold the root
    tracer().startSpan('fetch GET https://api.example/x', { attributes: { 'next.span_type': 'AppRender.fetch' } }, under(ctx, root));
    settle(root, 'GET', 200);
    root.end(at(1));
    const span = one('GET /api/edge/[id]');
    assert.deepEqual(asked, ['/api/edge/42']);
    assert.equal(span.attributes['http.route'], '/api/edge/[id]');
    assert.equal(span.attributes['next.entry_point'], 'route');
    assert.equal(span.attributes['next.runtime'], 'edge');
    assert.equal(span.attributes['url.path'], '/api/edge/42');
  });

  it('an edge handler whose route is unknown: named by its path, without `http.route`', () => {
    setUp();
    const root = handleRequest(pass({}), 'DELETE', '/api/edge/42?x=1');
    settle(root, 'DELETE', 204);
    root.end(at(1));
    const span = one('DELETE /api/edge/42');
    assert.equal('http.route' in span.attributes, false);
    assert.equal(span.attributes['next.entry_point'], 'route');
    assert.equal(span.attributes['next.runtime'], 'edge');
    assert.equal(span.attributes['http.response.status_code'], 204);
  });

  it('a Server Action without a proxy: the root is `next.entry_point: action` and carries the action\'s id and name', () => {
    setUp();
    (globalThis as Record<symbol, unknown>)[MANIFESTS] = { serverActionsManifest: { node: { '7f00aa': { exportedName: 'whoAmIAction' } } } };
    const ctx = pass({ 'next-action': '7f00aa' });
    assert.equal(requestState(ctx)?.actionId, '7f00aa');
    // a registered symbol: the proxy's bundle and the server's find the same state
    assert.equal(ctx.getValue(Symbol.for('next-request-context.request-state')), requestState(ctx));
    const root = handleRequest(ctx, 'POST', '/nested');
    settle(root, 'POST', 200, '/nested');
    root.end(at(1));
    const span = one('POST /nested');
    assert.equal(span.attributes['next.entry_point'], 'action');
    assert.equal(span.attributes['next.action.id'], '7f00aa');
    assert.equal(span.attributes['next.action.name'], 'whoAmIAction');
  });

  it('leaves a Headers object (edge, fetch-style headers) and a span outside any request pass untouched', () => {
    setUp();
    const headers = new Headers();
    const ctx = new RequestStatePropagator().extract(ROOT_CONTEXT, headers, { get: (carrier, key) => (carrier as Headers).get(key) ?? undefined, keys: () => [] });
    const root = handleRequest(ctx, 'GET', '/a');
    assert.equal(headers.get('traceparent'), null);
    settle(root, 'GET', 200, '/a');
    root.end(at(1));
    assert.equal(one('GET /a').attributes['next.runtime'], 'nodejs');

    // no request state: Next.js's span is exported as it is
    const plain = handleRequest(ROOT_CONTEXT, 'GET', '/b?q=1');
    plain.end(at(1));
    const span = one('GET');
    assert.equal(span.attributes['http.method'], 'GET');
    assert.equal(span.attributes['http.target'], '/b', 'query strings still leave (policy)');
    assert.equal('next.entry_point' in span.attributes, false);
  });

  it('a recorded but unsampled pass forwards an unsampled traceparent', () => {
    const memory = new InMemorySpanExporter();
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    processor = new RequestRootProcessor();
    provider = new BasicTracerProvider({ sampler: recordOnly, spanProcessors: [processor, new SimpleSpanProcessor(memory)] });
    const headers: Record<string, string> = {};
    const root = handleRequest(pass(headers), 'GET', '/');
    assert.equal(headers.traceparent, `00-${root.spanContext().traceId}-${idOf(root)}-00`);
    root.end(at(1));
  });

  it('headers that are no object (none, a string) get nothing and break nothing; a Headers object gets no own property', () => {
    setUp();
    const getter = { get: () => undefined, keys: () => [] };
    for (const carrier of [null, 'raw', undefined]) {
      const root = handleRequest(new RequestStatePropagator().extract(ROOT_CONTEXT, carrier, getter), 'GET', '/h');
      settle(root, 'GET', 200, '/h');
      root.end(at(1));
    }
    assert.equal(exported().filter((s) => s.name === 'GET /h').length, 3);
    const headers = new Headers();
    handleRequest(new RequestStatePropagator().extract(ROOT_CONTEXT, headers, getter), 'GET', '/h').end(at(1));
    assert.deepEqual(Object.keys(headers), []);
  });

  it('a pass that ran the proxy and rendered a page in the same pass (no route reported) is a page, in nodejs, named by its path', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/same');
    nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', { 'http.target': '/same', 'http.method': 'GET' }).end(at(0, 1));
    nextSpan(under(ctx, root), 'AppRender.getBodyResult', 'render route (app)', {}).end(at(0, 2));
    settle(root, 'GET', 200);
    root.end(at(1));
    const span = one('GET /same');
    assert.equal(span.attributes['next.entry_point'], 'page');
    assert.equal(span.attributes['next.runtime'], 'nodejs');
    assert.equal('http.route' in span.attributes, false);
  });

  it('a pass that ran the proxy and reported a route, without a handler span, is a page', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/r');
    nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', { 'http.target': '/r', 'http.method': 'GET' }).end(at(0, 1));
    settle(root, 'GET', 200, '/r');
    root.end(at(1));
    const span = one('GET /r');
    assert.equal(span.attributes['next.entry_point'], 'page');
    assert.equal(span.attributes['next.runtime'], 'nodejs');
  });

  it('only the first `BaseServer.handleRequest` of a pass is its root', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/first');
    const second = handleRequest(under(ctx, root), 'GET', '/second');
    second.end(at(0, 10));
    assert.equal(requestState(ctx)?.root, root);
    assert.equal(one('GET').attributes['http.method'], 'GET', 'the inner one is not described');
    settle(root, 'GET', 200, '/first');
    root.end(at(1));
    assert.equal(one('GET /first').attributes['next.entry_point'], 'page');
  });
});

describe('request through the proxy (two passes)', () => {
  it('the proxy pass is the root `GET /nested` covering the render pass `page /nested`; the proxy span is `proxy`', () => {
    setUp();
    const { passSpan, renderHeaders } = proxyPassContinuing('/nested?secret=1');
    assert.deepEqual(exported().map((s) => s.name), ['proxy'], 'the proxy pass stays open');
    assert.equal(renderHeaders.traceparent, `00-${passSpan.spanContext().traceId}-${idOf(passSpan)}-01`);

    const ctx = pass(renderHeaders, 'bob', { tenantId: 'globex' });
    const render = handleRequest(ctx, 'GET', '/nested?secret=1', at(0, 400));
    assert.equal(requestState(ctx)?.proxyPass?.span, passSpan);
    assert.equal(renderHeaders.traceparent, `00-${passSpan.spanContext().traceId}-${idOf(passSpan)}-01`, 'the render pass forwards nothing of its own');
    assert.equal(rootSpan(requestState(ctx)), passSpan);
    const body = nextSpan(under(ctx, render), 'AppRender.getBodyResult', 'render route (app) /nested', { 'next.route': '/nested' }, at(0, 500));
    const response = nextSpan(under(ctx, body), 'NextNodeServer.startResponse', 'start response', {}, at(0, 600));
    response.end(at(0, 700));
    body.end(at(1, 5));
    settle(render, 'GET', 200, '/nested');
    render.end(at(1));

    assert.deepEqual(exported().map((s) => s.name), ['proxy', 'start response', 'render route (app) /nested', 'page /nested', 'GET /nested']);
    const proxy = one('proxy');
    assert.deepEqual(proxy.attributes, {
      'next.span_category': 'nextjs',
      'next.span_name': 'proxy',
      'next.span_type': 'Middleware.execute',
      'user.id': 'alice',
      'app.tenant_id': 'acme',
      'next.entry_point': 'proxy',
      'http.request.method': 'GET',
      'url.path': '/nested',
    });
    const root = one('GET /nested');
    assert.equal(parentOf(root), undefined);
    assert.equal(idOf(root), idOf(passSpan));
    assert.equal(parentOf(proxy), idOf(root));
    const page = one('page /nested');
    assert.equal(parentOf(page), idOf(root));
    assert.equal(page.attributes['next.entry_point'], undefined, 'the render pass has no entry point of its own');
    assert.equal(page.attributes['url.path'], '/nested');
    assert.equal(page.attributes['http.request.method'], 'GET');
    assert.equal(page.attributes['http.status_code'], undefined);
    assert.deepEqual(root.attributes, {
      'next.span_category': 'nextjs',
      'next.span_name': 'GET /nested',
      'next.span_type': 'BaseServer.handleRequest',
      'user.id': 'bob',
      'app.tenant_id': 'globex',
      'next.rsc': false,
      'next.bubble': true,
      'http.request.method': 'GET',
      'url.path': '/nested',
      'http.response.status_code': 200,
      'http.route': '/nested',
      'next.entry_point': 'page',
      'next.runtime': 'nodejs',
    });
    assert.deepEqual(root.endTime, at(1, 5), 'the root ends with the last of the render pass and its page render');
    assert.deepEqual(root.status, { code: SpanStatusCode.UNSET });
    assert.deepEqual(page.endTime, at(1));
  });

  it('a Route Handler behind the proxy: `route /api/items/[id]`; the root ends with the render pass when the response ended earlier', () => {
    setUp();
    const { renderHeaders } = proxyPassContinuing('/api/items/7');
    const ctx = pass(renderHeaders);
    const render = handleRequest(ctx, 'GET', '/api/items/7', at(0, 400));
    nextSpan(under(ctx, render), 'AppRouteRouteHandlers.runHandler', 'executing api route (app) /api/items/[id]', { 'next.route': '/api/items/[id]' }).end(at(0, 450));
    nextSpan(under(ctx, render), 'NextNodeServer.startResponse', 'start response').end(at(0, 460));
    settle(render, 'GET', 404, '/api/items/[id]');
    render.end(at(3, 1));
    const root = one('GET /api/items/[id]');
    assert.equal(root.attributes['next.entry_point'], 'route');
    assert.equal(root.attributes['http.response.status_code'], 404);
    assert.deepEqual(root.endTime, at(3, 1));
    one('route /api/items/[id]');
  });

  it('the root ends at the later of equal-second end times by nanoseconds', () => {
    setUp();
    const { renderHeaders } = proxyPassContinuing('/n');
    const ctx = pass(renderHeaders);
    const render = handleRequest(ctx, 'GET', '/n', at(0, 400));
    const response = nextSpan(under(ctx, render), 'NextNodeServer.startResponse', 'start response');
    settle(render, 'GET', 200, '/n');
    render.end(at(2, 500));
    assert.equal(exported().some((s) => s.name === 'GET /n'), false, 'waits for the response');
    response.end(at(2, 501));
    assert.deepEqual(one('GET /n').endTime, at(2, 501));
  });

  it('the response ending earlier than the pass, in the same second, leaves the root\'s end at the pass\'s', () => {
    setUp();
    const { renderHeaders } = proxyPassContinuing('/n');
    const ctx = pass(renderHeaders);
    const render = handleRequest(ctx, 'GET', '/n', at(0, 400));
    const response = nextSpan(under(ctx, render), 'NextNodeServer.startResponse', 'start response', {}, at(0, 450));
    settle(render, 'GET', 200, '/n');
    render.end(at(2, 500));
    response.end(at(2, 499));
    assert.deepEqual(one('GET /n').endTime, at(2, 500));
  });

  it('a Server Action behind the proxy: the render pass is `action whoAmIAction` with its id and name; entry point `action`', () => {
    setUp();
    (globalThis as Record<symbol, unknown>)[MANIFESTS] = { serverActionsManifest: { node: { '40ab': { exportedName: 'whoAmIAction' } } } };
    const { renderHeaders } = proxyPassContinuing('/nested', { 'next-action': '40ab' }, 'POST');
    const ctx = pass(renderHeaders);
    const render = handleRequest(ctx, 'POST', '/nested', at(0, 400));
    settle(render, 'POST', 200, '/nested');
    render.end(at(1));
    const action = one('action whoAmIAction');
    assert.equal(action.attributes['next.action.id'], '40ab');
    assert.equal(action.attributes['next.action.name'], 'whoAmIAction');
    const root = one('POST /nested');
    assert.equal(root.attributes['next.entry_point'], 'action');
    assert.equal(root.attributes['next.action.id'], undefined, 'the action\'s attributes are on its own span');
  });

  it('an action the manifest does not name is `action <id>`, without `next.action.name`', () => {
    setUp();
    (globalThis as Record<symbol, unknown>)[MANIFESTS] = { serverActionsManifest: { node: { other: { exportedName: 'otherAction' } } } };
    const { renderHeaders } = proxyPassContinuing('/nested', { 'next-action': '40cd' }, 'POST');
    const render = handleRequest(pass(renderHeaders), 'POST', '/nested', at(0, 400));
    settle(render, 'POST', 200, '/nested');
    render.end(at(1));
    const action = one('action 40cd');
    assert.equal(action.attributes['next.action.id'], '40cd');
    assert.equal('next.action.name' in action.attributes, false);
  });

  it('an edge handler behind the proxy: `route /api/edge/[id]`, runtime `edge`', () => {
    setUp({ edgeRouteOf: () => '/api/edge/[id]' });
    const { renderHeaders } = proxyPassContinuing('/api/edge/9');
    const render = handleRequest(pass(renderHeaders), 'GET', '/api/edge/9', at(0, 400));
    settle(render, 'GET', 200);
    render.end(at(1));
    one('route /api/edge/[id]');
    const root = one('GET /api/edge/[id]');
    assert.equal(root.attributes['next.runtime'], 'edge');
    assert.equal(root.attributes['http.route'], '/api/edge/[id]');
    assert.equal(root.attributes['next.entry_point'], 'route');
  });

  it('a render pass that failed marks the root: error status, `error.type`; the pass\'s status message becomes the type', () => {
    setUp();
    const { renderHeaders } = proxyPassContinuing('/boom');
    const ctx = pass(renderHeaders);
    const render = handleRequest(ctx, 'GET', '/boom', at(0, 400));
    nextSpan(under(ctx, render), 'AppRender.getBodyResult', 'render route (app) /boom', { 'next.route': '/boom' }).end(at(0, 500));
    // Next.js's recordSpanError
    render.recordException(new TypeError('user alice@example.com not found'));
    render.setAttribute('error.type', 'TypeError');
    render.setStatus({ code: SpanStatusCode.ERROR, message: 'user alice@example.com not found' });
    settle(render, 'GET', 500, '/boom');
    render.end(at(1));
    const page = one('page /boom');
    assert.deepEqual(page.status, { code: SpanStatusCode.ERROR, message: 'TypeError' });
    assert.equal(page.events[0]?.attributes?.['exception.message'], 'user alice@example.com not found', 'the event keeps the message');
    const root = one('GET /boom');
    assert.equal(root.status.code, SpanStatusCode.ERROR);
    assert.equal(root.status.message, undefined);
    assert.equal(root.attributes['error.type'], 'TypeError');
    assert.equal(root.attributes['http.response.status_code'], 500);
  });

  it('a failed render pass without `error.type` gives the root the exception event\'s type; without either, none', () => {
    setUp();
    let { renderHeaders } = proxyPassContinuing('/a');
    let render = handleRequest(pass(renderHeaders), 'GET', '/a', at(0, 400));
    render.addEvent('exception', { 'exception.type': 'RangeError', 'exception.message': 'x' });
    render.setStatus({ code: SpanStatusCode.ERROR });
    settle(render, 'GET', 500, '/a');
    render.end(at(1));
    assert.equal(one('GET /a').attributes['error.type'], 'RangeError');

    ({ renderHeaders } = proxyPassContinuing('/b'));
    render = handleRequest(pass(renderHeaders), 'GET', '/b', at(0, 400));
    render.setStatus({ code: SpanStatusCode.ERROR });
    settle(render, 'GET', 500, '/b');
    render.end(at(1));
    const root = one('GET /b');
    assert.equal(root.status.code, SpanStatusCode.ERROR);
    assert.equal('error.type' in root.attributes, false);
  });

  it('a root already failed keeps its own `error.type`', () => {
    setUp();
    const { passSpan, renderHeaders } = proxyPassContinuing('/c');
    passSpan.setStatus({ code: SpanStatusCode.ERROR });
    passSpan.setAttribute('error.type', 'AuthError');
    const render = handleRequest(pass(renderHeaders), 'GET', '/c', at(0, 400));
    render.setAttribute('error.type', 'TypeError');
    render.setStatus({ code: SpanStatusCode.ERROR });
    settle(render, 'GET', 500, '/c');
    render.end(at(1));
    assert.equal(one('GET /c').attributes['error.type'], 'AuthError');
  });

  it('a proxy that answered itself (a redirect): the one pass is the root `GET /old`, entry point `proxy`, no route', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/old?utm=1');
    nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', { 'http.target': '/old', 'http.method': 'GET' }).end(at(0, 10));
    settle(root, 'GET', 307);
    root.end(at(1));
    const span = one('GET /old');
    assert.equal(span.attributes['next.entry_point'], 'proxy');
    assert.equal(span.attributes['next.runtime'], 'nodejs');
    assert.equal(span.attributes['http.response.status_code'], 307);
    assert.equal('http.route' in span.attributes, false);
    assert.deepEqual(span.endTime, at(1));
  });

  it('a proxy pass whose render pass never comes ends, at the time Next.js ended it, on shutdown', async () => {
    setUp();
    const { passSpan } = proxyPassContinuing('/public/logo.png');
    assert.equal(exported().length, 1);
    const before = Date.now();
    await processor.shutdown();
    const span = one('GET');
    assert.equal(idOf(span), idOf(passSpan));
    const endMillis = span.endTime[0] * 1000 + span.endTime[1] / 1e6;
    assert.ok(endMillis <= before, 'ended at the deferral time, not now or later');
    assert.equal(span.attributes['http.method'], 'GET', 'never described');
  });

  it('a span with `next.bubble` in a render pass is not deferred', () => {
    setUp();
    const { renderHeaders } = proxyPassContinuing('/d');
    const render = handleRequest(pass(renderHeaders), 'GET', '/d', at(0, 400));
    render.setAttribute('next.bubble', true);
    settle(render, 'GET', 200, '/d');
    render.end(at(1));
    one('page /d');
    one('GET /d');
  });
});

describe('a failed proxy', () => {
  function failingProxy(error: Error, markRoot = false): { root: Span } {
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/admin?tab=1');
    if (markRoot) root.recordException(new Error('earlier'));
    root.addEvent('note');
    const proxy = nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', { 'http.target': '/admin', 'http.method': 'GET' }, at(0, 100));
    proxy.addEvent('log', { 'exception.type': 'NotThisOne' }, at(0, 120));
    proxy.recordException(error, at(0, 150));
    proxy.setAttribute('error.type', error.name);
    proxy.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    proxy.end(at(0, 200));
    return { root };
  }

  it('without a reporter: the root gets the exception event, error status and `error.type`', () => {
    setUp();
    const error = new TypeError('token for alice expired');
    const { root } = failingProxy(error);
    settle(root, 'GET', 500);
    root.end(at(1));
    const proxy = one('proxy');
    assert.deepEqual(proxy.status, { code: SpanStatusCode.ERROR, message: 'TypeError' });
    const span = one('GET /admin');
    assert.equal(span.attributes['next.entry_point'], 'proxy');
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'TypeError' });
    assert.equal(span.attributes['error.type'], 'TypeError');
    assert.deepEqual(span.events.map((e) => e.name), ['note', 'exception']);
    assert.deepEqual(span.events[1]!.time, at(0, 150));
    assert.equal(span.events[1]!.attributes?.['exception.type'], 'TypeError');
    assert.equal(span.events[1]!.attributes?.['exception.message'], 'token for alice expired');
  });

  it('a proxy error with no type anywhere: the root\'s status has an empty message and no `error.type`', () => {
    setUp();
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/x');
    const proxy = nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', { 'http.target': '/x', 'http.method': 'GET' });
    proxy.addEvent('exception', { 'exception.message': 'm' });
    proxy.setStatus({ code: SpanStatusCode.ERROR });
    proxy.end(at(0, 200));
    assert.deepEqual(rootSpan(requestState(ctx))?.status, { code: SpanStatusCode.ERROR, message: '' });
    assert.equal('error.type' in (root as unknown as ReadableSpan).attributes, false);
    root.end(at(1));
  });

  it('with a reporter (nodejs: as `onRequestError`): the error, the request and the proxy\'s route are reported instead', () => {
    const reports: unknown[][] = [];
    setUp({ onProxyError: (...args) => reports.push(args) });
    const error = new TypeError('token for alice expired');
    const { root } = failingProxy(error);
    assert.equal(reports.length, 1);
    const [reported, request, context] = reports[0] as [Error, unknown, unknown];
    assert.ok(reported instanceof Error);
    assert.equal(reported.name, 'TypeError');
    assert.equal(reported.message, 'token for alice expired');
    assert.equal(reported.stack, error.stack);
    assert.deepEqual(request, { method: 'GET', path: '/admin' });
    assert.deepEqual(context, { routerKind: 'Pages Router', routePath: '/proxy', routeType: 'proxy' });
    root.end(at(1));
    const span = one('GET /admin');
    assert.deepEqual(span.events.map((e) => e.name), ['note'], 'the reporter marks the root, not the processor');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  it('an exception event without attributes is reported as a plain `Error`', () => {
    const reports: unknown[][] = [];
    setUp({ onProxyError: (...args) => reports.push(args) });
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/x');
    const proxy = nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', {});
    proxy.addEvent('exception');
    proxy.setStatus({ code: SpanStatusCode.ERROR });
    proxy.end(at(0, 200));
    const [reported, request] = reports[0] as [Error, unknown];
    assert.equal(reported.name, 'Error');
    assert.equal(reported.message, '');
    assert.equal(reported.stack, '');
    assert.deepEqual(request, { method: '', path: '' });
    root.end(at(1));
  });

  it('nothing when the root has an exception already, when the proxy has no exception event, or did not fail', () => {
    const reports: unknown[][] = [];
    setUp({ onProxyError: (...args) => reports.push(args) });
    failingProxy(new Error('again'), true).root.end(at(1));
    const ctx = pass({});
    const root = handleRequest(ctx, 'GET', '/y');
    const errorOnly = nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', {});
    errorOnly.setStatus({ code: SpanStatusCode.ERROR });
    errorOnly.end(at(0, 1));
    const eventOnly = nextSpan(under(ctx, root), 'Middleware.execute', 'middleware GET', {});
    eventOnly.recordException(new Error('handled'));
    eventOnly.end(at(0, 2));
    root.end(at(1));
    assert.deepEqual(reports, []);
    assert.equal(one('GET /y').status.code, SpanStatusCode.UNSET);
  });

  it('nothing without a request root', () => {
    setUp();
    const state = pass({});
    const proxy = nextSpan(state, 'Middleware.execute', 'middleware GET', {});
    proxy.recordException(new Error('no root'));
    proxy.setStatus({ code: SpanStatusCode.ERROR, message: 'no root' });
    proxy.end(at(0, 1));
    assert.deepEqual(one('proxy').status, { code: SpanStatusCode.ERROR, message: 'Error' });
  });
});

describe('processor lifecycle', () => {
  it('forceFlush and shutdown resolve', async () => {
    setUp();
    assert.equal(await processor.forceFlush(), undefined);
    assert.equal(await processor.shutdown(), undefined);
  });

  it('a naming failure never loses the span', () => {
    setUp({
      edgeRouteOf: () => {
        throw new Error('broken lookup');
      },
    });
    const root = handleRequest(pass({}), 'GET', '/api/edge/1');
    root.end(at(1));
    assert.equal(exported().length, 1);
  });
});
