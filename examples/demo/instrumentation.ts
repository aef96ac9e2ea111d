/**
 * Next.js calls `register()` once per runtime when the server starts (never during `next build`).
 * The package picks its nodejs (`@opentelemetry/sdk-node`) or edge (`@vercel/otel`) build itself;
 * configuration comes from the standard `OTEL_*` variables and `REQUEST_CONTEXT_*`.
 */
export { register } from 'next-request-context/instrumentation';
