import { Suspense } from 'react';
import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';
import { ContextBadge } from '../_components/context-badge';

async function SlowPart() {
  await connection();
  await new Promise((resolve) => setTimeout(resolve, 150)); // streamed after the shell
  const { traceId, userId } = getRequestContext();
  logger.info({ part: 'suspense' }, 'streamed part rendered');
  return <ContextBadge testId="deepest" traceId={traceId} userId={userId ?? null} />;
}

export default function StreamingPage() {
  return (
    <main>
      <h1>Streamed Suspense</h1>
      <Suspense fallback={<p data-testid="fallback">loading…</p>}>
        <SlowPart />
      </Suspense>
    </main>
  );
}
