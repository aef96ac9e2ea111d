import { OTLPHttpJsonTraceExporter, OTLPHttpProtoTraceExporter, registerOTel } from '@vercel/otel';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resolveConfiguration } from './configuration';
import type { Configuration } from './configuration';
import { originPatterns } from './origin-patterns';
import { createPropagator } from './propagator';
import { UserIdSpanProcessor } from './user-span-processor';

/**
 * Boots OpenTelemetry in the Next.js edge runtime with `@vercel/otel`, configured explicitly so
 * that off Vercel it neither exports spans twice nor probes for Vercel's collector:
 * - `propagators`: W3C trace context and the trusted user propagator only (no inbound baggage);
 * - `spanProcessors`: one batch processor with one OTLP/HTTP exporter (none when export is off);
 * - `fetch` propagates trace context to the allow-listed origins only (by default `@vercel/otel`
 *   also propagates to every `http://localhost` URL).
 */
export function registerEdge(overrides: Partial<Configuration> = {}): Configuration {
  const config = resolveConfiguration(overrides);
  const url = `${config.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const exporter = config.protocol === 'http/json' ? new OTLPHttpJsonTraceExporter({ url }) : new OTLPHttpProtoTraceExporter({ url });
  const { allowed, notAllowed } = originPatterns(config.propagateTraceTo);
  registerOTel({
    serviceName: config.serviceName,
    propagators: [createPropagator(config)],
    traceSampler: config.exportDisabled ? 'always_off' : 'auto',
    spanProcessors: config.exportDisabled ? [] : [new UserIdSpanProcessor(), new BatchSpanProcessor(exporter)],
    instrumentationConfig: { fetch: { propagateContextUrls: [allowed], dontPropagateContextUrls: [notAllowed] } },
  });
  return config;
}
