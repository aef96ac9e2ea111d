import { Suspense } from 'react';
import { cacheLife } from 'next/cache';
import { tryGetRequestContext } from 'next-request-context';
import { probeRequestContext } from '../_services/context-probe';

/**
 * Cached output, regenerated at most every 2 seconds and served to everyone ('use cache' with a
 * short cacheLife: the Cache Components form of ISR). The cached-output guard makes
 * tryGetRequestContext() answer `undefined` here, so the user whose request triggered a
 * regeneration can never be baked into output that everyone receives.
 */
async function SharedPart() {
  'use cache';
  cacheLife({ stale: 2, revalidate: 2, expire: 60 });
  const found = tryGetRequestContext();
  return (
    <section data-testid="isr" data-rendered-at={Date.now()} data-user-id={found?.userId ?? ''} data-trace-id={found?.traceId ?? ''} data-get-request-context={probeRequestContext()}>
      {found ? `rendered for ${found.userId ?? 'anonymous'}` : 'rendered without request context (shared output)'}
    </section>
  );
}

export default function IsrPage() {
  return (
    <main>
      <h1>ISR page</h1>
      {/* A cache this short-lived is filled at request time, not by next build: Suspense gives it a place to stream into. */}
      <Suspense fallback={<p>loading…</p>}>
        <SharedPart />
      </Suspense>
    </main>
  );
}
