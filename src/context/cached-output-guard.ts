/**
 * Detects renders whose output Next.js caches and serves to other users.
 *
 * ISR regeneration runs inside the async context of the request that triggered it, so without this
 * guard the triggering user's id would be visible to (and could be baked into) a page served to
 * everyone. Next.js keeps the kind of the current render in its work-unit store; this module reads it
 * so the request context can refuse to answer there. Outside Next.js (unit tests, scripts) the stores
 * are empty and nothing is refused.
 */
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external';

/** Work-unit types whose output is shared: `'use cache'`, `unstable_cache` and every prerender kind. */
function isSharedOutputType(type: string): boolean {
  return type === 'cache' || type === 'unstable-cache' || type.startsWith('prerender');
}

/**
 * Returns a short description of the cached render in progress, or `undefined` when the current
 * code runs for one request only (a dynamic render, a Route Handler, a Server Action, the proxy).
 */
export function describeCachedRender(): string | undefined {
  const unit = workUnitAsyncStorage.getStore() as { type?: string } | undefined;
  if (unit?.type && isSharedOutputType(unit.type)) return `work unit '${unit.type}'`;
  const work = workAsyncStorage.getStore() as { isStaticGeneration?: boolean; route?: string } | undefined;
  if (work?.isStaticGeneration) return `static generation of ${work.route ?? 'a route'}`;
  return undefined;
}
