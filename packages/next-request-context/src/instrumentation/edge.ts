/**
 * `next-request-context/instrumentation` in the edge runtime (export conditions `edge-light` and
 * `worker`): never loads `@opentelemetry/sdk-node`.
 */
import { registerEdge } from '../otel/register-edge.js';
import { recordRequestError } from '../otel/request-error.js';
import type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';
import type { RegisterOptions } from './options.js';

export type { Configuration, RegisterOptions } from './options.js';
export { ConfigurationError } from './options.js';
export type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';

/**
 * The edge runtime's `onRequestError`: marks the request's active span with error status and an
 * exception event (the logger is nodejs-only, so no log line). Never throws.
 */
export async function onRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): Promise<void> {
  recordRequestError(error, request, context);
}

/**
 * Boots OpenTelemetry and request context in the edge runtime with `@vercel/otel`, configured
 * for the trusted user propagator and one OTLP/HTTP exporter. Export it as `register` from
 * `instrumentation.ts`; Next.js calls it once per edge sandbox.
 *
 * @throws {ConfigurationError} on an invalid setting (the edge runtime cannot exit the process).
 */
export async function register(options: RegisterOptions = {}): Promise<void> {
  registerEdge(options);
}
