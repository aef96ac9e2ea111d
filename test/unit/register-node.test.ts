/**
 * The nodejs bootstrap (README, "Setup" and "Configuration"), in-process: `register()` from
 * `next-request-context/instrumentation` under `NEXT_RUNTIME=nodejs` starts the SDK with the
 * request-root and user processors before the exporting pipeline, exports spans and log records over
 * OTLP/HTTP (JSON here) to the configured endpoint, names an edge handler's root by the build's edge
 * routes (`<distDir>/server/middleware-manifest.json`), applies the configured PII policy and field
 * attribute names, wraps `after()` and Server Action storages, registers the exit flush, and starts
 * even with `OTEL_SDK_DISABLED=true` in the environment when the options turn export on. A second
 * call does nothing. A local OTLP receiver on 127.0.0.1 stands in for the collector.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { attributesOf, startOtlpJsonCapture } from '../helpers/otlp-json-capture';
import type { OtlpAttribute } from '../helpers/otlp-json-capture';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;

const capture = await startOtlpJsonCapture();
const { endpoint, received, span, spans } = capture;

const distDir = mkdtempSync(join(tmpdir(), 'register-node-'));
mkdirSync(join(distDir, 'server'));
writeFileSync(
  join(distDir, 'server', 'middleware-manifest.json'),
  JSON.stringify({ functions: { '/api/edge/[id]/route': { page: '/api/edge/[id]/route', matchers: [{ regexp: '^/api/edge/(?<id>[^/]+?)$', originalSource: '/api/edge/[id]' }] } } }),
);

const saved = { ...process.env };
process.env.NEXT_RUNTIME = 'nodejs';
// Next.js resolves its distDir against the working directory
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify({ distDir: relative(process.cwd(), distDir) });
process.env.REQUEST_CONTEXT_SECRET = 'register-node-test-secret-0123456789abcdef';
process.env.OTEL_SDK_DISABLED = 'true';
// batches leave only when flushed (by the tests, or the exit flush)
process.env.OTEL_BSP_SCHEDULE_DELAY = '600000';
delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
delete process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
const sigtermBefore = process.listeners('SIGTERM');
const sigintBefore = process.listeners('SIGINT');

const { register, onRequestError } = await import('../../packages/next-request-context/src/instrumentation/index');
const { registerNode } = await import('../../packages/next-request-context/src/otel/register-node');
const { fieldAttributeName } = await import('../../packages/next-request-context/src/context/fields');
const { afterTaskAsyncStorage } = await import('next/dist/server/app-render/after-task-async-storage.external');
const { actionAsyncStorage } = await import('next/dist/server/app-render/action-async-storage.external');

const options = {
  exportDisabled: false,
  serviceName: 'register-node-test',
  endpoint,
  protocol: 'http/json' as const,
  redactKeys: ['ssn'],
  fieldAttributes: { tenantId: 'tenant.id' },
  userIdExport: 'none' as const,
  shutdownTimeoutMillis: 1234,
};

async function flush(): Promise<void> {
  await (trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } }).getDelegate().forceFlush();
  type Flushable = { getDelegate?(): Flushable; forceFlush?(): Promise<void> };
  const loggerProvider = logs.getLoggerProvider() as unknown as Flushable;
  await (loggerProvider.getDelegate?.() ?? loggerProvider).forceFlush?.();
}

/** One request as Next.js traces it: the pass's context from the global propagator, then its spans. */
function request(target: string, route: string | undefined, attributes: Record<string, string> = {}): void {
  const headers: Record<string, string> = {};
  const ctx: Context = propagation.extract(ROOT_CONTEXT, headers);
  const tracer = trace.getTracer('next.js');
  const root = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'GET', 'http.target': target, ...attributes } }, ctx);
  if (route !== undefined) tracer.startSpan('render route (app)', { attributes: { 'next.span_type': 'AppRender.getBodyResult', 'next.route': route } }, trace.setSpan(ctx, root)).end();
  root.setAttributes({ 'http.status_code': 200, ...(route === undefined ? {} : { 'next.route': route }) });
  if (route !== undefined) root.updateName(`GET ${route}`);
  root.end();
}

before(async () => {
  await register(options);
});
after(async () => {
  for (const listener of process.listeners('SIGTERM')) if (!sigtermBefore.includes(listener)) process.removeListener('SIGTERM', listener);
  for (const listener of process.listeners('SIGINT')) if (!sigintBefore.includes(listener)) process.removeListener('SIGINT', listener);
  await (trace.getTracerProvider() as unknown as { getDelegate(): { shutdown(): Promise<void> } }).getDelegate().shutdown();
  capture.close();
  rmSync(distDir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('register() in the nodejs runtime', () => {
  it('starts the SDK although OTEL_SDK_DISABLED=true is in the environment (the options decide), and restores the variable', () => {
    assert.equal(process.env.OTEL_SDK_DISABLED, "true");
    assert.equal(trace.getTracer('t').startSpan('probe').isRecording(), true);
  });

  it('exports the request\'s root as `GET /nested` with its HTTP attributes, the PII policy applied, to the endpoint\'s /v1/traces', async () => {
    request('/nested?token=abc', '/nested', { 'customer.ssn': '123-45-6789' });
    await flush();
    const root = span('GET /nested');
    const attributes = attributesOf(root.attributes);
    assert.equal(attributes['http.route'], '/nested');
    assert.equal(attributes['url.path'], '/nested');
    assert.equal(attributes['http.request.method'], 'GET');
    assert.equal(attributes['next.entry_point'], 'page');
    assert.equal(attributes['next.runtime'], 'nodejs');
    assert.equal(attributes['customer.ssn'], '[REDACTED]', 'the configured denylist');
    assert.equal(attributes['http.target'], undefined);
    const resource = (received.find((r) => r.path === '/v1/traces')!.body.resourceSpans as { resource: { attributes: OtlpAttribute[] } }[])[0]!.resource;
    assert.equal(attributesOf(resource.attributes)['service.name'], 'register-node-test');
  });

  it('names an edge handler\'s root by the build\'s edge routes (nodejs server under Next.js)', async () => {
    // the manifest is read once, in the background, at startup
    await new Promise((resolve) => setTimeout(resolve, 200));
    request('/api/edge/42', undefined);
    await flush();
    const attributes = attributesOf(span('GET /api/edge/[id]').attributes);
    assert.equal(attributes['http.route'], '/api/edge/[id]');
    assert.equal(attributes['next.runtime'], 'edge');
  });

  it('exports log records to the endpoint\'s /v1/logs', async () => {
    logs.getLogger('register-node-test').emit({ body: 'hello from the test' });
    await flush();
    const bodies = received.filter((r) => r.path === '/v1/logs').flatMap((r) => JSON.stringify(r.body));
    assert.ok(bodies.some((body) => body.includes('hello from the test')), `received on ${received.map((r) => r.path).join(', ')}`);
  });

  it('sets the field attribute names, wraps the after() and Server Action storages, and adds one SIGTERM and one SIGINT flush', () => {
    assert.equal(fieldAttributeName('tenantId'), 'tenant.id');
    assert.equal((afterTaskAsyncStorage as unknown as Record<symbol, unknown>)[Symbol.for('next-request-context.after-spans')], true);
    assert.equal((actionAsyncStorage as unknown as Record<symbol, unknown>)[Symbol.for('next-request-context.action-spans')], true);
    assert.equal(process.listeners('SIGTERM').length, sigtermBefore.length + 1);
    assert.equal(process.listeners('SIGINT').length, sigintBefore.length + 1);
  });

  it('on SIGTERM the spans still queued are flushed before Next.js\'s process.exit goes through', async () => {
    const ours = process.listeners('SIGTERM').find((listener) => !sigtermBefore.includes(listener))!;
    const exits: unknown[] = [];
    const realExit = process.exit;
    const nextHandler = () => {};
    process.on('SIGTERM', nextHandler);
    process.exit = ((code?: number) => {
      exits.push(code);
    }) as typeof process.exit;
    try {
      request('/queued', '/queued');
      assert.equal(spans().some((s) => s.name === 'GET /queued'), false, 'still in the queue');
      (ours as (signal: string) => void)('SIGTERM');
      (process.exit as (code?: number) => void)(0);
      for (let i = 0; i < 500 && exits.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(exits, [0]);
      span('GET /queued');
    } finally {
      process.exit = realExit;
      process.removeListener('SIGTERM', nextHandler);
    }
  });

  it('a second call returns the first configuration and registers nothing more', () => {
    const first = registerNode({ serviceName: 'other' });
    assert.equal(first.serviceName, 'register-node-test');
    assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for('next-request-context.registered')], first, 'kept on globalThis under a registered symbol');
    assert.equal(first.shutdownTimeoutMillis, 1234);
    assert.equal(process.listeners('SIGTERM').length, sigtermBefore.length + 1);
  });

  it('onRequestError (nodejs) marks the active request span', async () => {
    const tracer = trace.getTracer('next.js');
    const ctx = propagation.extract(ROOT_CONTEXT, {});
    const root = tracer.startSpan('GET', { attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'GET', 'http.target': '/fail' } }, ctx);
    await context.with(trace.setSpan(ctx, root), () => onRequestError(new TypeError('nope'), { path: '/fail', method: 'GET' }, { routerKind: 'App Router', routePath: '/fail', routeType: 'render' }));
    root.setAttribute('next.route', '/fail');
    root.updateName('GET /fail');
    root.end();
    await flush();
    const exported = span('GET /fail');
    assert.equal(exported.status?.code, 2);
    assert.equal(exported.status?.message, 'TypeError');
    assert.equal(attributesOf(exported.attributes)['error.type'], 'TypeError');
  });
});
