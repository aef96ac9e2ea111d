/**
 * Detects renders whose output Next.js caches and serves to other users.
 *
 * ISR regeneration runs inside the async context of the request that triggered it, so without this
 * guard the triggering user's id would be visible to (and could be baked into) a page served to
 * everyone. Next.js keeps the kind of the current render in its work-unit store; this module reads it
 * so the request context can refuse to answer there. Outside Next.js (unit tests, scripts) the stores
 * are empty and nothing is refused.
 */
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external.js';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external.js';

/**
 * Work-unit types whose output belongs to one request: a dynamic render, Route Handler or Server
 * Action (`request`), `'use cache: private'`, and a runtime prefetch (rendered with the user's
 * cookies, for that user). Every other type (`cache`, `unstable-cache`, the prerender kinds,
 * `build-time-generator`, `validation-client`, and any type a later Next.js adds) is treated as
 * shared: an unknown kind of render is refused rather than trusted.
 */
const PER_REQUEST_TYPES: ReadonlySet<string> = new Set(['request', 'private-cache', 'prerender-runtime']);

/**
 * Returns a short description of the cached render in progress, or `undefined` when the current
 * code runs for one request only (a dynamic render, a Route Handler, a Server Action, the proxy,
 * and code outside Next.js's stores such as unit tests).
 */
export function describeCachedRender(): string | undefined {
  const unit = workUnitAsyncStorage.getStore() as { type?: string } | undefined;
  if (unit !== undefined && !PER_REQUEST_TYPES.has(unit.type ?? '')) return `work unit '${unit.type}'`;
  const work = workAsyncStorage.getStore() as { isStaticGeneration?: boolean; route?: string } | undefined;
  if (work?.isStaticGeneration) return `static generation of ${work.route ?? 'a route'}`;
  return undefined;
}
