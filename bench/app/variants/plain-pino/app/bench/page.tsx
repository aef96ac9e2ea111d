import { Suspense } from 'react';
import { trace } from '@opentelemetry/api';
import { connection } from 'next/server';
import { logger } from '../_bench/logger';

/**
 * `/bench` of the bench layer `plain-pino` (variants `vercel-otel`, `sdk-node`): the example's
 * bench page (per request, nested async Server Components, the context read at the bottom, one log
 * line) with the active span instead of the request context and a plain pino logger.
 */
export default function BenchPage() {
  return (
    <main>
      <h1>Bench</h1>
      <Suspense fallback={<p>loading…</p>}>
        <Outer />
      </Suspense>
    </main>
  );
}

async function Outer() {
  await connection();
  return (
    <div className="layer">
      outer
      <Inner />
    </div>
  );
}

async function Inner() {
  await Promise.resolve();
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  logger.info({ entry: 'bench-page' }, 'bench page rendered');
  return (
    <section data-testid="deepest" data-trace-id={traceId ?? ''} data-user-id="">
      user id: <code>(no verified user)</code>
    </section>
  );
}
