/**
 * `next-request-context/instrumentation`: the bootstrap for the app's `instrumentation.ts`.
 *
 * ```ts
 * // instrumentation.ts
 * export { register } from 'next-request-context/instrumentation';
 * ```
 *
 * Bundlers pick the runtime's own build by export condition (`node`, `edge-light`/`worker`). This
 * file is the fallback for any other resolver: it loads the build of the runtime Next.js names in
 * `NEXT_RUNTIME`, and registers nothing outside Next.js.
 */
import type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';
import type { RegisterOptions } from './options.js';

export type { Configuration, RegisterOptions } from './options.js';
export { ConfigurationError } from './options.js';
export type { RequestErrorContext, RequestErrorRequest } from '../otel/request-error.js';

/**
 * Boots OpenTelemetry and request context for the runtime this server runs in (`NEXT_RUNTIME`
 * `nodejs` or `edge`); does nothing when `NEXT_RUNTIME` is unset. Options override the environment.
 */
export async function register(options: RegisterOptions = {}): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./node.js')).register(options);
  else if (process.env.NEXT_RUNTIME === 'edge') await (await import('./edge.js')).register(options);
}

/**
 * Records an error Next.js reports for a request (export it as `onRequestError` from
 * `instrumentation.ts`): error status and an exception event on the request's span, and in the
 * nodejs runtime one error log line with `routeType`, `routePath`, `trace_id` and `user_id`.
 * Never throws.
 */
export async function onRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./node.js')).onRequestError(error, request, context);
  else if (process.env.NEXT_RUNTIME === 'edge') await (await import('./edge.js')).onRequestError(error, request, context);
}
