import { trace } from '@opentelemetry/api';
import { connection } from 'next/server';
import { logger } from '../../_bench/logger';

/**
 * `GET /api/bench` of the bench layer `plain-pino` (variants `vercel-otel`, `sdk-node`): the
 * example's bench route as an app without next-request-context writes it. It reads the request's
 * trace context the OpenTelemetry way (the active span), writes one pino line and returns the same
 * JSON shape as the example's route (there is no verified user: `userId` is always null).
 */
export async function GET() {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const traceId = trace.getActiveSpan()?.spanContext().traceId ?? null;
  logger.info({ entry: 'bench-route' }, 'bench route answered');
  return Response.json({ traceId, userId: null });
}
