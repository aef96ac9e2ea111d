import { context, propagation, trace } from '@opentelemetry/api';
import type { TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/**
 * What request context needs when export is off (`OTEL_SDK_DISABLED=true`), in either runtime:
 * the AsyncLocalStorage context manager, the trusted propagator, and a tracer provider whose
 * sampler drops every span before anything is recorded. Spans still get real ids, so trace ids,
 * log correlation and `getRequestContext()` work exactly as with export on. (Neither
 * `@opentelemetry/sdk-node` nor `@vercel/otel` registers anything when the SDK is disabled.)
 */
export function registerContextOnly(propagator: TextMapPropagator): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
}
