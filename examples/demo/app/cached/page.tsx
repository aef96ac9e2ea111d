import { Suspense } from 'react';
import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { loadCatalog } from '../_services/catalog-service';
import { TraceLink } from '../_components/trace-link';

export default function CachedPage() {
  return (
    <main>
      <h1>Cached data in a per-user page</h1>
      <Suspense fallback={<p>loading…</p>}>
        <PerUser />
      </Suspense>
    </main>
  );
}

async function PerUser() {
  await connection();
  const { traceId, userId } = getRequestContext();
  const catalog = await loadCatalog();
  return (
    <>
      <section data-testid="deepest" data-trace-id={traceId} data-user-id={userId ?? ''} className="badge">
        signed in as {userId ?? '(anonymous)'}, trace <TraceLink traceId={traceId} />
      </section>
      <section data-testid="cached" data-computed-at={catalog.computedAt} data-seen-user-id={catalog.seenUserId ?? ''}>
        cached catalog computed at <time dateTime={new Date(catalog.computedAt).toISOString()}>{new Date(catalog.computedAt).toLocaleTimeString('en-GB', { timeZone: 'UTC' })} UTC</time>, saw user: {catalog.seenUserId ?? '(none: shared output)'}
      </section>
    </>
  );
}
