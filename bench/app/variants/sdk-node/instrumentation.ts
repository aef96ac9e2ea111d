/**
 * Bench variant `sdk-node` (laid over the layer `plain-pino`): OpenTelemetry's NodeSDK set up as
 * the Next.js and OpenTelemetry docs show it, loaded for the Node.js runtime only.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation.node');
}
