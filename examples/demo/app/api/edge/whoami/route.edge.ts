import { getRequestContext } from 'next-request-context';

export const runtime = 'edge';

/** The edge-runtime twin of `/api/whoami`. */
export async function GET() {
  const { traceId, userId } = getRequestContext();
  return Response.json({ traceId, userId: userId ?? null, runtime: 'edge' });
}
