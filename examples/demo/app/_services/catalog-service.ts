import { unstable_cache } from 'next/cache';
import { tryGetRequestContext } from 'next-request-context';

/**
 * Cached data: the result is stored and returned to every later caller, whoever they are. Inside
 * the cached function tryGetRequestContext() answers `undefined` (and getRequestContext() throws),
 * so a user's id cannot end up in the shared entry. The same guard covers `'use cache'` (the /isr
 * page).
 */
export const loadCatalog = unstable_cache(
  async (): Promise<{ computedAt: number; seenUserId: string | null }> => ({
    computedAt: Date.now(),
    seenUserId: tryGetRequestContext()?.userId ?? null,
  }),
  ['catalog'],
  { revalidate: 60 },
);
