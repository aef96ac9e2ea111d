import { getRequestContext } from 'next-request-context';

export const runtime = 'edge';

/** A dynamic edge Route Handler: its trace's root is named by the path (Next.js reports the route only inside its edge sandbox). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { traceId, userId } = getRequestContext();
  return Response.json({ id: (await params).id, traceId, userId: userId ?? null, runtime: 'edge' });
}
