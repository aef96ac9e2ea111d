/**
 * Next.js calls `register()` once per runtime when the server starts (never during `next build`).
 * Each runtime loads only its own bootstrap: the nodejs one uses `@opentelemetry/sdk-node`, the
 * edge one `@vercel/otel`. Configuration comes from the standard `OTEL_*` variables and
 * `REQUEST_CONTEXT_*` (see src/otel/configuration.ts).
 */
export async function register(): Promise<void> {
  // Exists only for bench/app.bench.ts: its uninstrumented baseline server registers nothing.
  if (process.env.REQUEST_CONTEXT_BENCH_BASELINE === '1') return;
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { registerNode } = await import('./src/otel/register-node');
    try {
      registerNode();
    } catch (error) {
      // Next.js would log a failed register() and keep serving without telemetry or request
      // context; a misconfigured server should not start at all.
      console.error(`Startup stopped: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  } else if (process.env.NEXT_RUNTIME === 'edge') {
    const { registerEdge } = await import('./src/otel/register-edge');
    registerEdge();
  }
}
