/**
 * `next-request-context/instrumentation` in the nodejs runtime (export condition `node`), and for
 * plain Node.js services that should join the same traces.
 */
import { registerNode } from '../otel/register-node.js';
import { reportRequestError } from '../otel/report-request-error.js';
import type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';
import { exitOnStartupError } from '../process/exit.js';
import type { RegisterOptions } from './options.js';

export type { Configuration, RegisterOptions } from './options.js';
export { ConfigurationError } from './options.js';
export type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';

/**
 * Next.js calls it for every error thrown in a page, Route Handler or Server Action (export it as
 * `onRequestError` from `instrumentation.ts`; for a nodejs proxy Next.js does not call it, and the
 * request-root processor reports the proxy's error the same way). It marks the request's root span
 * with error status and an exception event, and writes one error log line with `routeType`,
 * `routePath` and the exception (its `trace_id`, `span_id` and `user_id` added as on every line).
 * Never throws.
 */
export async function onRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): Promise<void> {
  await reportRequestError(error, request, context);
}

/**
 * Boots OpenTelemetry and request context in the nodejs runtime: `@opentelemetry/sdk-node` with
 * OTLP/HTTP span and log exporters, the AsyncLocalStorage context manager and the trusted user
 * propagator. Export it as `register` from `instrumentation.ts`; Next.js calls it once at startup.
 * Calling it again does nothing.
 *
 * An invalid setting stops the process with exit code 1 and `NAME is invalid (actual: x), expected y`
 * on stderr: a misconfigured server does not start.
 */
export async function register(options: RegisterOptions = {}): Promise<void> {
  try {
    registerNode(options);
  } catch (error) {
    exitOnStartupError(error);
  }
}
