/**
 * Bench layer `plain-pino` (the base of the variants `vercel-otel` and `sdk-node`, which replace
 * this file): no OpenTelemetry. On its own the layer is the example's bench routes written against
 * a plain pino logger, without next-request-context.
 */
export function register(): void {}
