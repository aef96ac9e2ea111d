/**
 * README, "Configuration": with `OTEL_SDK_DISABLED=true` the edge runtime (where `@vercel/otel`
 * would register nothing at all) still gets request context: the AsyncLocalStorage context manager,
 * the trusted propagator and spans with real ids that record nothing; nothing is exported.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, describe, it } from 'node:test';
import { ROOT_CONTEXT, context, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;

const saved = { ...process.env };
process.env.NEXT_RUNTIME = 'edge';
process.env.REQUEST_CONTEXT_SECRET = 'register-edge-disabled-secret-0123456789abc';
process.env.OTEL_SDK_DISABLED = 'true';

const { register } = await import('../../packages/next-request-context/src/instrumentation/index');

after(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('register() in the edge runtime with OTEL_SDK_DISABLED=true', () => {
  it('installs the context pieces only: inbound trace context kept, spans that record nothing, context across awaits', async () => {
    // a refused port: an exporter, were one registered, would have nowhere to send
    await register({ endpoint: 'http://127.0.0.1:9' });
    const inbound = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const ctx = propagation.extract(ROOT_CONTEXT, { traceparent: inbound });
    const span = trace.getTracer('t').startSpan('GET', {}, ctx);
    assert.equal(span.isRecording(), false);
    assert.equal(span.spanContext().traceId, 'ab'.repeat(16));
    assert.match(span.spanContext().spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(span.spanContext().spanId, 'cd'.repeat(8));
    await context.with(trace.setSpan(ctx, span), async () => {
      await Promise.resolve();
      assert.equal(trace.getActiveSpan(), span);
    });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    assert.equal(carrier.traceparent, `00-${'ab'.repeat(16)}-${span.spanContext().spanId}-00`);
  });
});
