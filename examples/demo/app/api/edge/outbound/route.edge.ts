import { getRequestContext } from 'next-request-context';

export const runtime = 'edge';

async function call(url: string): Promise<unknown> {
  try {
    return await (await fetch(url, { cache: 'no-store' })).json();
  } catch (error) {
    return { error: String(error) };
  }
}

/** The edge-runtime twin of `/api/outbound`: what the allow-listed and the other origin received. */
export async function GET() {
  const { traceId, traceFlags } = getRequestContext();
  const inventoryUrl = process.env.INVENTORY_URL ?? 'http://127.0.0.1:4100';
  const otherUrl = process.env.OUTBOUND_OTHER_URL ?? 'http://127.0.0.1:4101';
  const [allowListed, other] = await Promise.all([call(`${inventoryUrl}/inventory`), call(`${otherUrl}/inventory`)]);
  return Response.json({ traceId, traceFlags, allowListed, other, runtime: 'edge' });
}
