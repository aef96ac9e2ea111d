import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createLogPipeline } from '../log/pipeline.js';
import { routeLogsDirectly } from '../log/direct-route.js';
import { OTEL_SCOPE_NAME } from '../log/scope.js';
import { getUserTokenCodec } from '../identity/codec.js';
import { flushOnExit } from '../process/exit.js';
import { withEnvHidden } from '../process/env.js';
import { resolveConfiguration } from '../settings/configuration.js';
import type { Configuration } from '../settings/configuration.js';
import { traceServerActions } from './action-spans.js';
import { traceAfterCallbacks } from './after-spans.js';
import { loadEdgeRoutes } from './edge-routes.js';
import { createLogExporter, createSpanExporter } from './exporters.js';
import { installOutboundPropagation } from './outbound-fetch.js';
import { createPropagator } from './propagator.js';
import { createSpanPipeline } from './span-pipeline.js';
import { registerContextOnly } from './register-context-only.js';
import { reportRequestError } from './report-request-error.js';
import { RequestRootProcessor } from './request-root-processor.js';
import { UserIdSpanProcessor } from './user-span-processor.js';
import { setFieldAttributeNames } from '../context/fields.js';
import { setPiiPolicy } from '../context/pii-policy.js';
import { createPseudonymizer } from './pseudonymizer.js';

const REGISTERED = Symbol.for('next-request-context.registered');

/**
 * Boots OpenTelemetry in the Next.js nodejs runtime; call it from `register()` in
 * `instrumentation.ts`. Sets up, in this order of importance:
 * - the AsyncLocalStorage context manager and the trusted propagator (always, even with
 *   `OTEL_SDK_DISABLED=true`, because request context depends on them);
 * - `@opentelemetry/sdk-node` with OTLP/HTTP span and log exporters and the bounded log pipeline;
 * - `traceparent` on server-side `fetch` to allow-listed origins;
 * - a span per `after()` callback, under the request's root (`traceAfterCallbacks`);
 * - a span per Server Action called outside the proxy matcher (`traceServerActions`);
 * - under Next.js, the build's edge routes, read once in the background, to name an edge handler's
 *   root by its route (`loadEdgeRoutes`);
 * - a bounded flush on SIGTERM/SIGINT.
 *
 * Calling it again is a no-op. Invalid configuration throws a `ConfigurationError` here, at startup.
 */
export function registerNode(overrides: Partial<Configuration> = {}): Configuration {
  const config = resolveConfiguration(overrides);
  getUserTokenCodec(); // a missing or weak REQUEST_CONTEXT_SECRET fails now, not in the first request
  const state = globalThis as { [REGISTERED]?: Configuration };
  if (state[REGISTERED]) return state[REGISTERED];
  state[REGISTERED] = config;

  setFieldAttributeNames(config.fieldAttributes ?? {});
  setPiiPolicy(config.userIdExport, config.redactKeys, createPseudonymizer());
  const propagator = createPropagator(config);
  if (config.exportDisabled) {
    registerContextOnly(propagator);
  } else {
    const logPipeline = createLogPipeline({ exporter: createLogExporter(config) });
    const spanProcessor = createSpanPipeline({ exporter: createSpanExporter(config) });
    // Only the Next.js server has a build to read; a plain Node.js service has no edge handlers.
    const edgeRouteOf = process.env.NEXT_RUNTIME === 'nodejs' ? loadEdgeRoutes().routeOf : undefined;
    // sdk-node reads OTEL_SDK_DISABLED in its constructor (and start() then does nothing), so both run with it hidden.
    const start = () => new NodeSDK({
      serviceName: config.serviceName,
      contextManager: new AsyncLocalStorageContextManager(),
      textMapPropagator: propagator,
      spanProcessors: [new UserIdSpanProcessor(), new RequestRootProcessor({ onProxyError: reportRequestError, edgeRouteOf }), spanProcessor],
      logRecordProcessors: [routeLogsDirectly(logPipeline, OTEL_SCOPE_NAME)],
      // NodeSDK would otherwise start an OTLP metrics exporter nobody asked for; metrics follow
      // only an explicit OTEL_METRICS_EXPORTER.
      metricReaders: process.env.OTEL_METRICS_EXPORTER?.trim() ? undefined : [],
      instrumentations: [],
    }).start();
    withEnvHidden('OTEL_SDK_DISABLED', start);
    flushOnExit(() => Promise.allSettled([spanProcessor.forceFlush(), logPipeline.forceFlush()]), config.shutdownTimeoutMillis);
  }
  installOutboundPropagation(config.propagateTraceTo);
  traceAfterCallbacks();
  traceServerActions();
  return config;
}
