import { after, connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

/** `GET /api/whoami` returns `{ traceId, userId }` of this request. */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const { traceId, userId } = getRequestContext();
  logger.info({ entry: 'route-handler' }, 'whoami answered');
  after(() => {
    // Runs after the response is sent, still in this request's context.
    const later = getRequestContext();
    logger.info({ entry: 'after', after_trace_id: later.traceId }, 'after() callback ran');
  });
  return Response.json({ traceId, userId: userId ?? null });
}
