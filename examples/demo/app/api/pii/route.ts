import { trace } from '@opentelemetry/api';
import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

/**
 * `GET /api/pii` writes what must not leave the process as is, to show the PII policy: a log line
 * with a password and a nested token, a span attribute with an authorization header, and a
 * server-side fetch whose URL has a query string. Exported spans and log lines carry
 * `[REDACTED]`, URLs without the query, and `user.id`/`user_id` as `REQUEST_CONTEXT_USER_ID_EXPORT`
 * says.
 */
export async function GET(): Promise<Response> {
  await connection();
  const { traceId, userId } = getRequestContext();
  trace.getActiveSpan()?.setAttribute('http.request.header.authorization', 'Bearer demo-credential');
  logger.info({ entry: 'pii', password: 'demo-password', card: { token: 'demo-card-token', last4: '4242' } }, 'payment form received');
  const inventoryUrl = process.env.INVENTORY_URL ?? 'http://127.0.0.1:4100';
  await fetch(`${inventoryUrl}/inventory?email=demo%40example.com`, { cache: 'no-store' }).catch(() => undefined);
  return Response.json({ traceId, userId: userId ?? null });
}
