import { connection } from 'next/server';
import { tryGetRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

/**
 * `GET /api/bench`: the route bench/app.bench.ts loads. It also works in the benchmark's baseline
 * build without the integration, where there is no request context: reads the context, writes one
 * log line, returns a small JSON.
 */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const found = tryGetRequestContext();
  logger.info({ entry: 'bench-route' }, 'bench route answered');
  return Response.json({ traceId: found?.traceId ?? null, userId: found?.userId ?? null });
}
