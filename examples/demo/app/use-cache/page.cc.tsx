import { Suspense } from 'react';
import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { loadPrices } from '../_services/price-service';
import { TraceLink } from '../_components/trace-link';

/** A per-user page that calls a `'use cache'` function (Cache Components build only). */
export default function UseCachePage() {
  return (
    <main>
      <h1>A &apos;use cache&apos; function in a per-user page</h1>
      <Suspense fallback={<p>loading…</p>}>
        <PerUser />
      </Suspense>
    </main>
  );
}

async function PerUser() {
  await connection();
  const { traceId, userId } = getRequestContext();
  const prices = await loadPrices();
  return (
    <>
      <section data-testid="deepest" data-trace-id={traceId} data-user-id={userId ?? ''} className="badge">
        signed in as {userId ?? '(anonymous)'}, trace <TraceLink traceId={traceId} />
      </section>
      <section data-testid="use-cache" data-computed-at={prices.computedAt} data-seen-user-id={prices.seenUserId ?? ''} data-get-request-context={prices.probe}>
        prices computed at <time dateTime={new Date(prices.computedAt).toISOString()}>{new Date(prices.computedAt).toLocaleTimeString('en-GB', { timeZone: 'UTC' })} UTC</time>, saw user:{' '}
        {prices.seenUserId ?? '(none: shared output)'}, getRequestContext() there: {prices.probe}
      </section>
    </>
  );
}
