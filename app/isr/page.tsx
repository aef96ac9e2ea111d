import { tryGetRequestContext } from '@/src/context';

/** Regenerated at most every 2 seconds and served to everyone. */
export const revalidate = 2;

/**
 * ISR regeneration runs inside the context of the request that triggered it. The cached-output
 * guard makes tryGetRequestContext() answer `undefined` here, so the triggering user's id can never
 * be baked into a page that everyone receives.
 */
export default function IsrPage() {
  const found = tryGetRequestContext();
  return (
    <main>
      <h1>ISR page</h1>
      <section data-testid="isr" data-rendered-at={Date.now()} data-user-id={found?.userId ?? ''} data-trace-id={found?.traceId ?? ''}>
        {found ? `rendered for ${found.userId ?? 'anonymous'}` : 'rendered without request context (shared output)'}
      </section>
    </main>
  );
}
