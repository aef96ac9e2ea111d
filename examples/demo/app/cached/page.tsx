import { Suspense } from 'react';
import { connection } from 'next/server';
import { getRequestContext } from 'next-request-context';
import { loadCatalog } from '../_services/catalog-service';

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
        signed in as {userId ?? '(anonymous)'}
      </section>
      <section data-testid="cached" data-computed-at={catalog.computedAt} data-seen-user-id={catalog.seenUserId ?? ''}>
        cached catalog computed at {catalog.computedAt}, saw user: {catalog.seenUserId ?? '(none: shared output)'}
      </section>
    </>
  );
}
