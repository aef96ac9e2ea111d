import { trace } from '@opentelemetry/api';
import { connection } from 'next/server';
import { logger } from 'next-request-context/log';

/** Upper bound of both query parameters: the cost-curve bench asks for at most 100. */
const MAX = 1000;
const tracer = trace.getTracer('bench-cost-curves');

function count(raw: string | null): number {
  const value = Number(raw ?? '1');
  if (!Number.isInteger(value) || value < 0 || value > MAX) throw new Error(`expected an integer 0..${MAX}, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * `GET /api/bench/cost?spans=N&logs=M` of the bench layer `cost-route` (variants `cost-full`,
 * `cost-baseline`; bench/cost-curves.bench.ts): the example's bench route with a workload that
 * grows. Per request: N custom spans, each started with `tracer.startActiveSpan` as a child of the
 * route's active span, given one attribute and ended at once (siblings, not nested); then M lines
 * written with the library's logger (`next-request-context/log`), each also queued as an OTel
 * LogRecord where the integration runs. In the baseline build (no tracer provider) the spans are
 * the API's no-op spans and the LogRecords go to its no-op provider.
 */
export async function GET(request: Request) {
  await connection(); // per request: a GET handler would otherwise be prerendered by next build
  const params = new URL(request.url).searchParams;
  const spans = count(params.get('spans'));
  const logs = count(params.get('logs'));
  for (let i = 0; i < spans; i++) {
    tracer.startActiveSpan('bench cost span', (span) => {
      span.setAttribute('bench.index', i);
      span.end();
    });
  }
  for (let i = 0; i < logs; i++) logger.info({ entry: 'bench-cost', index: i }, 'bench cost line');
  return Response.json({ spans, logs, traceId: trace.getActiveSpan()?.spanContext().traceId ?? null });
}
