import { connection } from 'next/server';
import { tryGetRequestContext } from 'next-request-context';

/**
 * Outside the proxy matcher: nobody verifies a session here, so the request is always anonymous,
 * whatever headers the client sends.
 */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const found = tryGetRequestContext();
  return Response.json({ traceId: found?.traceId ?? null, userId: found?.userId ?? null });
}
