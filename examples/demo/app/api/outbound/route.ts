import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

interface Echo {
  traceparent: string | null;
  baggage: string | null;
  traceId: string | null;
}

async function call(url: string): Promise<Echo | { error: string }> {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    return (await response.json()) as Echo;
  } catch (error) {
    return { error: String(error) };
  }
}

/**
 * Calls the inventory service twice: once at its allow-listed origin (`INVENTORY_URL`, listed in
 * `REQUEST_CONTEXT_PROPAGATE_TO`), which gets `traceparent` and joins this trace, and once at an
 * origin that is not listed (`OUTBOUND_OTHER_URL`), which gets nothing.
 */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const { traceId, traceFlags, userId } = getRequestContext();
  const inventoryUrl = process.env.INVENTORY_URL ?? 'http://127.0.0.1:4100';
  const otherUrl = process.env.OUTBOUND_OTHER_URL ?? 'http://127.0.0.1:4101';
  const [allowListed, other] = await Promise.all([call(`${inventoryUrl}/inventory`), call(`${otherUrl}/inventory`)]);
  logger.info({ entry: 'outbound' }, 'called the inventory service');
  return Response.json({ traceId, traceFlags, userId: userId ?? null, allowListed, other });
}
