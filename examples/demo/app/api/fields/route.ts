import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

/** `GET /api/fields` returns `{ traceId, userId, fields }`: the app fields the proxy signed with the user. */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const { traceId, userId, fields } = getRequestContext();
  // The line carries tenant_id and plan next to user_id; fields.tenantId is typed as string | undefined.
  logger.info({ entry: 'fields', tenantLength: fields.tenantId?.length ?? 0 }, 'fields answered');
  return Response.json({ traceId, userId: userId ?? null, fields });
}
