/**
 * README, "Configuration": `OTEL_SDK_DISABLED=true` turns export off but not request context:
 * `register()` still installs the AsyncLocalStorage context manager, the trusted propagator and a
 * tracer provider that records nothing but gives spans real ids (so trace ids, log correlation and
 * outbound `traceparent` work), no exit flush; outside Next.js (`NEXT_RUNTIME` unset) `register()`
 * does nothing; an invalid setting stops the process at startup with `Startup stopped: …`.
 * In-process, `process.exit` and `console.error` recorded instead.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, describe, it } from 'node:test';
import { ROOT_CONTEXT, context, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;

const saved = { ...process.env };
process.env.REQUEST_CONTEXT_SECRET = 'register-context-only-test-secret-0123456789';
process.env.OTEL_SDK_DISABLED = 'true';
delete process.env.NEXT_RUNTIME;
const sigtermBefore = process.listeners('SIGTERM').length;
const realFetch = globalThis.fetch;

const { register, onRequestError } = await import('../../packages/next-request-context/src/instrumentation/index');
const { afterTaskAsyncStorage } = await import('next/dist/server/app-render/after-task-async-storage.external');

after(() => {
  globalThis.fetch = realFetch;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('register() and onRequestError() outside Next.js', () => {
  it('do nothing without NEXT_RUNTIME', async () => {
    await register({ propagateTraceTo: ['http://127.0.0.1:9'] });
    // an active span and a log pipeline that either runtime's onRequestError would use
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const records = new InMemoryLogRecordExporter();
    logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: records })] }));
    const active = new BasicTracerProvider().getTracer('t').startSpan('GET');
    await context.with(trace.setSpan(ROOT_CONTEXT, active), () => onRequestError(new Error('x'), { path: '/', method: 'GET' }, { routerKind: 'App Router', routePath: '/', routeType: 'render' }));
    active.end();
    assert.deepEqual((active as unknown as ReadableSpan).events, [], 'the active span is not marked');
    assert.deepEqual(records.getFinishedLogRecords(), [], 'no log line');
    logs.disable();
    assert.equal(globalThis.fetch, realFetch);
    assert.equal(trace.getTracer('t').startSpan('x').spanContext().traceId, '00000000000000000000000000000000', 'no tracer provider');
    assert.equal((afterTaskAsyncStorage as unknown as Record<symbol, unknown>)[Symbol.for('next-request-context.after-spans')], undefined);
  });
});

describe('an invalid setting at startup (nodejs)', () => {
  it('stops the process with exit code 1 and `Startup stopped: <the error>` on stderr', async () => {
    process.env.NEXT_RUNTIME = 'nodejs';
    const exits: unknown[] = [];
    const errors: unknown[] = [];
    const realExit = process.exit;
    const realError = console.error;
    process.exit = ((code?: number) => {
      exits.push(code);
    }) as typeof process.exit;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      await register({ protocol: 'grpc' as never });
    } finally {
      process.exit = realExit;
      console.error = realError;
    }
    assert.deepEqual(exits, [1]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /^Startup stopped: OTEL_EXPORTER_OTLP_PROTOCOL is invalid \(actual: "grpc"\)/);
  });
});

describe('OTEL_SDK_DISABLED=true (nodejs)', () => {
  it('request context works: context manager, trusted propagator, spans with real ids that record nothing, outbound traceparent', async () => {
    process.env.NEXT_RUNTIME = 'nodejs';
    const seen: Headers[] = [];
    globalThis.fetch = (async (_input: unknown, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return new Response('ok');
    }) as typeof fetch;
    await register({ propagateTraceTo: ['http://127.0.0.1:9'] });
    assert.deepEqual(propagation.fields(), ['traceparent', 'tracestate']);
    const inbound = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const ctx = propagation.extract(ROOT_CONTEXT, { traceparent: inbound });
    const span = trace.getTracer('t').startSpan('GET', {}, ctx);
    assert.equal(span.isRecording(), false);
    assert.equal(span.spanContext().traceId, 'ab'.repeat(16));
    assert.notEqual(span.spanContext().spanId, 'cd'.repeat(8));
    await context.with(trace.setSpan(ctx, span), async () => {
      await Promise.resolve();
      assert.equal(trace.getActiveSpan(), span, 'the context survives an await (AsyncLocalStorage)');
      await fetch('http://127.0.0.1:9/x');
    });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    assert.equal(carrier.traceparent, `00-${'ab'.repeat(16)}-${span.spanContext().spanId}-00`, 'sampled out');
    assert.equal(seen[0]?.get('traceparent'), carrier.traceparent);
    assert.equal(process.listeners('SIGTERM').length, sigtermBefore, 'no exit flush without export');
    assert.equal((afterTaskAsyncStorage as unknown as Record<symbol, unknown>)[Symbol.for('next-request-context.after-spans')], true);
  });
});
