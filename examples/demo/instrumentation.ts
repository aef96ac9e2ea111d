/**
 * Next.js calls `register()` once per runtime when the server starts (never during `next build`),
 * and `onRequestError()` for every error thrown in a page, Route Handler, Server Action or the
 * proxy. The package picks its nodejs (`@opentelemetry/sdk-node`) or edge (`@vercel/otel`) build
 * itself; configuration comes from the standard `OTEL_*` variables and `REQUEST_CONTEXT_*`.
 */
export { register, onRequestError } from 'next-request-context/instrumentation';
