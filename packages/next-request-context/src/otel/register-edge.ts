import { OTLPHttpJsonTraceExporter, OTLPHttpProtoTraceExporter, registerOTel } from '@vercel/otel';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { withEnvHidden } from '../process/env.js';
import { resolveConfiguration } from '../settings/configuration.js';
import type { Configuration } from '../settings/configuration.js';
import { signalHeaders, signalUrl } from './otlp-endpoint.js';
import { installOutboundPropagation } from './outbound-fetch.js';
import { createPropagator } from './propagator.js';
import { registerContextOnly } from './register-context-only.js';
import { RequestRootProcessor } from './request-root-processor.js';
import { UserIdSpanProcessor } from './user-span-processor.js';
import { setFieldAttributeNames } from '../context/fields.js';
import { setPiiPolicy } from '../context/pii-policy.js';
import { createPseudonymizer } from './pseudonymizer.js';

/**
 * Boots OpenTelemetry in the Next.js edge runtime with `@vercel/otel`, configured explicitly so
 * that off Vercel it neither exports spans twice nor probes for Vercel's collector:
 * - `propagators`: W3C trace context and the trusted user propagator only (no inbound baggage);
 * - `spanProcessors`: one batch processor with one OTLP/HTTP exporter;
 * - `traceSampler`: `OTEL_TRACES_SAMPLER`, else `parentbased_always_on` as in nodejs (`@vercel/otel`
 *   falls back to `always_on`, which turns an inbound unsampled `traceparent` into a sampled one);
 * - `fetch` propagates trace context to the allow-listed origins with the same wrapper as nodejs
 *   (`installOutboundPropagation`), whatever the sampling decision; `@vercel/otel`'s own fetch
 *   instrumentation is off (it propagates nothing from unsampled spans, and by default it also
 *   propagates to every `http://localhost` URL).
 * With `OTEL_SDK_DISABLED=true`, `@vercel/otel` would register nothing at all, so only the context
 * pieces and the fetch wrapper are registered (see `registerContextOnly`).
 */
export function registerEdge(overrides: Partial<Configuration> = {}): Configuration {
  const config = resolveConfiguration(overrides);
  setFieldAttributeNames(config.fieldAttributes ?? {});
  setPiiPolicy(config.userIdExport, config.redactKeys, createPseudonymizer());
  if (config.exportDisabled) {
    registerContextOnly(createPropagator(config));
  } else {
    const options = { url: signalUrl(config, 'traces'), headers: signalHeaders('traces') };
    const exporter = config.protocol === 'http/json' ? new OTLPHttpJsonTraceExporter(options) : new OTLPHttpProtoTraceExporter(options);
    withEnvHidden('OTEL_SDK_DISABLED', () => registerOTel({
      serviceName: config.serviceName,
      propagators: [createPropagator(config)],
      // Checked against the sampler names by resolveConfiguration.
      traceSampler: (process.env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on') as 'parentbased_always_on',
      spanProcessors: [new UserIdSpanProcessor(), new RequestRootProcessor(), new BatchSpanProcessor(exporter)],
      instrumentations: [],
    }));
  }
  installOutboundPropagation(config.propagateTraceTo);
  return config;
}
