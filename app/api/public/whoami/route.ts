import { tryGetRequestContext } from '@/src/context';

/**
 * Outside the proxy matcher: nobody verifies a session here, so the request is always anonymous,
 * whatever headers the client sends.
 */
export async function GET() {
  const found = tryGetRequestContext();
  return Response.json({ traceId: found?.traceId ?? null, userId: found?.userId ?? null });
}
