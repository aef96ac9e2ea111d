import { OTLPHttpJsonTraceExporter, OTLPHttpProtoTraceExporter, registerOTel } from '@vercel/otel';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { withEnvHidden } from '../process/env.js';
import { resolveConfiguration } from '../settings/configuration.js';
import type { Configuration } from '../settings/configuration.js';
import { signalHeaders, signalUrl } from './otlp-endpoint.js';
import { originPatterns } from './origin-patterns.js';
import { createPropagator } from './propagator.js';
import { registerContextOnly } from './register-context-only.js';
import { RequestRootProcessor } from './request-root-processor.js';
import { UserIdSpanProcessor } from './user-span-processor.js';
import { setFieldAttributeNames } from '../context/fields.js';

/**
 * Boots OpenTelemetry in the Next.js edge runtime with `@vercel/otel`, configured explicitly so
 * that off Vercel it neither exports spans twice nor probes for Vercel's collector:
 * - `propagators`: W3C trace context and the trusted user propagator only (no inbound baggage);
 * - `spanProcessors`: one batch processor with one OTLP/HTTP exporter;
 * - `fetch` propagates trace context to the allow-listed origins only (by default `@vercel/otel`
 *   also propagates to every `http://localhost` URL).
 * With `OTEL_SDK_DISABLED=true`, `@vercel/otel` would register nothing at all, so only the context
 * pieces are registered (see `registerContextOnly`).
 */
export function registerEdge(overrides: Partial<Configuration> = {}): Configuration {
  const config = resolveConfiguration(overrides);
  setFieldAttributeNames(config.fieldAttributes ?? {});
  if (config.exportDisabled) {
    registerContextOnly(createPropagator(config));
    return config;
  }
  const options = { url: signalUrl(config, 'traces'), headers: signalHeaders('traces') };
  const exporter = config.protocol === 'http/json' ? new OTLPHttpJsonTraceExporter(options) : new OTLPHttpProtoTraceExporter(options);
  const { allowed, notAllowed } = originPatterns(config.propagateTraceTo);
  withEnvHidden('OTEL_SDK_DISABLED', () => registerOTel({
    serviceName: config.serviceName,
    propagators: [createPropagator(config)],
    spanProcessors: [new UserIdSpanProcessor(), new RequestRootProcessor(), new BatchSpanProcessor(exporter)],
    instrumentationConfig: { fetch: { propagateContextUrls: [allowed], dontPropagateContextUrls: [notAllowed] } },
  }));
  return config;
}
