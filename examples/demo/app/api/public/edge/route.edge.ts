import { getRequestContext } from 'next-request-context';

export const runtime = 'edge';

/** An edge Route Handler outside the proxy matcher. */
export async function GET() {
  const { traceId, userId } = getRequestContext();
  return Response.json({ traceId, userId: userId ?? null, runtime: 'edge' });
}
