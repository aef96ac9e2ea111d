import { Suspense } from 'react';
import { connection } from 'next/server';
import { getRequestContext } from '@/src/context';
import { logger } from '@/src/log';
import { ContextBadge } from '../_components/context-badge';

async function SlowPart() {
  await new Promise((resolve) => setTimeout(resolve, 150)); // streamed after the shell
  const { traceId, userId } = getRequestContext();
  logger.info({ part: 'suspense' }, 'streamed part rendered');
  return <ContextBadge testId="deepest" traceId={traceId} userId={userId ?? null} />;
}

export default async function StreamingPage() {
  await connection();
  return (
    <main>
      <h1>Streamed Suspense</h1>
      <Suspense fallback={<p data-testid="fallback">loading…</p>}>
        <SlowPart />
      </Suspense>
    </main>
  );
}
