import { tryGetRequestContext } from '@/src/context';
import { logger } from '@/src/log';

/**
 * `GET /api/bench`: the route bench/app.bench.ts loads. It works with and without the integration
 * (`REQUEST_CONTEXT_BENCH_BASELINE=1`, where there is no request context): reads the context,
 * writes one log line, returns a small JSON.
 */
export async function GET() {
  const found = tryGetRequestContext();
  logger.info({ entry: 'bench-route' }, 'bench route answered');
  return Response.json({ traceId: found?.traceId ?? null, userId: found?.userId ?? null });
}
