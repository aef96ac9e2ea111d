import { cacheLife } from 'next/cache';
import { tryGetRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';
import { probeRequestContext } from './context-probe';

/**
 * A `'use cache'` function (Cache Components): one entry for everyone, filled by whichever request
 * comes first. Inside it tryGetRequestContext() answers `undefined`, getRequestContext() throws
 * `cached-output`, and log lines carry the trace but no user.
 */
export async function loadPrices(): Promise<{ computedAt: number; seenUserId: string | null; probe: string }> {
  'use cache';
  cacheLife('minutes');
  logger.info({ entry: 'use-cache' }, 'prices computed');
  return { computedAt: Date.now(), seenUserId: tryGetRequestContext()?.userId ?? null, probe: probeRequestContext() };
}
