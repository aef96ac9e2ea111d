import { registerOTel } from '@vercel/otel';

/**
 * Bench variant `vercel-otel` (laid over the layer `plain-pino`): `@vercel/otel`'s documented
 * default, nothing else. With OTEL_EXPORTER_OTLP_ENDPOINT set, 2.1.x adds to its no-op Vercel
 * runtime exporter a BatchSpanProcessor (SDK defaults: 5 s delay, batches of 512, queue 2048)
 * with its fetch-based OTLP/HTTP protobuf exporter to `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`;
 * it registers its fetch instrumentation, the W3C trace-context and baggage propagators and no
 * log pipeline (pino lines stay on stdout, uncorrelated).
 */
export function register(): void {
  registerOTel({ serviceName: 'bench-vercel-otel' });
}
