/**
 * The edge bootstrap (README, "Setup"; `next-request-context/instrumentation` under
 * `NEXT_RUNTIME=edge`), in-process: `@vercel/otel` registered with the user and request-root
 * processors before one batch OTLP/HTTP exporter (JSON here, with `OTEL_EXPORTER_OTLP_HEADERS`
 * sent), the configured PII policy, and the request-root processor in its edge mode: the root is
 * `next.runtime: edge`, a page without a route is named by its path, and the inbound headers are
 * left alone (Next.js's edge sandbox forwards no header object). It starts even with
 * `OTEL_SDK_DISABLED=true` in the environment when the options turn export on; `onRequestError`
 * marks the active span. A local OTLP receiver on 127.0.0.1 stands in for the collector.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, before, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { attributesOf, startOtlpJsonCapture } from '../helpers/otlp-json-capture';
import type { OtlpAttribute } from '../helpers/otlp-json-capture';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;

const capture = await startOtlpJsonCapture();
const { endpoint, received, span } = capture;

const saved = { ...process.env };
process.env.NEXT_RUNTIME = 'edge';
process.env.REQUEST_CONTEXT_SECRET = 'register-edge-test-secret-0123456789abcdef';
process.env.OTEL_SDK_DISABLED = 'true';
process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-collector-key=k1,x-both=general';
process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = 'x-both=traces';
delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
delete process.env.OTEL_TRACES_SAMPLER;

const { register, onRequestError } = await import('../../packages/next-request-context/src/instrumentation/index');
const { setFieldAttributeNames } = await import('../../packages/next-request-context/src/context/fields');

const traceRequests = () => received.filter((r) => r.path === '/v1/traces');
type Provider = { forceFlush(): Promise<void>; shutdown(): Promise<void>; getDelegate?(): Provider };
const provider = (): Provider => {
  const global = trace.getTracerProvider() as unknown as Provider;
  return global.getDelegate?.() ?? global;
};

before(async () => {
  await register({ exportDisabled: false, serviceName: 'register-edge-test', endpoint, protocol: 'http/json', userIdExport: 'none', redactKeys: ['ssn'], fieldAttributes: { tenantId: 'tenant.id' } });
});
after(async () => {
  await provider().shutdown();
  capture.close();
  setFieldAttributeNames({});
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('register() in the edge runtime', () => {
  it('registers although OTEL_SDK_DISABLED=true is in the environment, and restores it', () => {
    assert.equal(process.env.OTEL_SDK_DISABLED, 'true');
    assert.equal(trace.getTracer('t').startSpan('probe').isRecording(), true);
  });

  it('exports the root `GET /edge/7` (runtime edge, named by its path), the PII policy applied, with the OTLP headers', async () => {
    const headers: Record<string, string> = {};
    const ctx = propagation.extract(ROOT_CONTEXT, headers);
    const tracer = trace.getTracer('next.js');
    const root = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'GET', 'http.target': '/edge/7?token=1', 'app.password': 'hunter2', 'customer.ssn': '1' } }, ctx);
    assert.deepEqual(headers, {}, 'no traceparent forwarded into the inbound headers in the edge runtime');
    context.with(trace.setSpan(ctx, root), () => tracer.startSpan('render route (app) /edge/[id]', { attributes: { 'next.span_type': 'AppRender.getBodyResult' } }).end());
    root.setAttribute('http.status_code', 200);
    root.end();
    await provider().forceFlush();
    const attributes = attributesOf(span('GET /edge/7').attributes);
    assert.equal(attributes['next.runtime'], 'edge');
    assert.equal(attributes['next.entry_point'], 'page');
    assert.equal(attributes['url.path'], '/edge/7');
    assert.equal(attributes['http.response.status_code'], 200);
    assert.equal(attributes['app.password'], '[REDACTED]');
    assert.equal(attributes['customer.ssn'], '[REDACTED]', 'the configured denylist');
    const request = traceRequests()[0]!;
    assert.equal(request.headers['x-collector-key'], 'k1');
    assert.equal(request.headers['x-both'], 'traces', 'the signal\'s own headers win');
    const resource = (request.body.resourceSpans as { resource: { attributes: OtlpAttribute[] } }[])[0]!.resource;
    assert.equal(attributesOf(resource.attributes)['service.name'], 'register-edge-test');
  });

  it('an inbound unsampled traceparent stays unsampled (parentbased_always_on)', () => {
    const ctx = propagation.extract(ROOT_CONTEXT, { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-00` });
    const s = trace.getTracer('next.js').startSpan('GET', {}, ctx);
    assert.equal(s.isRecording(), false);
    assert.equal(s.spanContext().traceId, 'ab'.repeat(16));
    s.end();
  });

  it('onRequestError (edge) marks the active span: error status with the type only, `error.type`', async () => {
    const ctx = propagation.extract(ROOT_CONTEXT, {});
    const root = trace.getTracer('next.js').startSpan('GET', { attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'GET', 'http.target': '/edge/fail', 'next.route': '/edge/fail' } }, ctx);
    await context.with(trace.setSpan(ctx, root), () => onRequestError(new RangeError('alice over quota'), { path: '/edge/fail', method: 'GET' }, { routerKind: 'App Router', routePath: '/edge/fail', routeType: 'route' }));
    root.end();
    await provider().forceFlush();
    const exported = span('GET');
    assert.equal(exported.status?.code, 2);
    assert.equal(exported.status?.message, 'RangeError');
    assert.equal(attributesOf(exported.attributes)['error.type'], 'RangeError');
  });
});
