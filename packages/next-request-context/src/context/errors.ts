/** Why there is no request context: see {@link RequestContextUnavailableError}. */
export type RequestContextUnavailableReason = 'outside-request' | 'cached-output';

const OUTSIDE_REQUEST =
  'getRequestContext() was called outside an HTTP request (module scope, next build, generateStaticParams, ' +
  'or a timer not started by a request), so there is no trace id or user. ' +
  'During next build this means the route is being prerendered; make it render per request: ' +
  "in a page, read the context in a component that calls `await connection()` (from 'next/server') first, " +
  'and with Cache Components on (cacheComponents: true) render that component inside <Suspense>; ' +
  'in a Route Handler, `await connection()` before reading it. ' +
  'Where no request is a normal case use tryGetRequestContext(); wrap tests and scripts in runWithRequestContext().';

const CACHED_OUTPUT =
  'that output is served to every user, so it must not depend on one request\'s user or trace. ' +
  "Read the context outside the cached scope (with Cache Components: outside 'use cache', and pass what you need " +
  "as an argument, which becomes part of the cache key), use 'use cache: private', or render per request " +
  "(`await connection()` from 'next/server').";

/**
 * Thrown by `getRequestContext()` when no request is being handled: at module scope, during
 * `next build` and `generateStaticParams`, in a timer started outside a request, or while Next.js
 * renders output it caches and serves to every user (ISR regeneration, `'use cache'`,
 * `unstable_cache`). The message names the fix.
 */
export class RequestContextUnavailableError extends Error {
  override readonly name = 'RequestContextUnavailableError';
  /** Why there is no context: `outside-request` or `cached-output`. */
  readonly reason: RequestContextUnavailableReason;

  constructor(reason: RequestContextUnavailableReason, detail?: string) {
    super(
      reason === 'outside-request'
        ? OUTSIDE_REQUEST
        : `getRequestContext() was called while Next.js renders cached output${detail ? ` (${detail})` : ''}: ${CACHED_OUTPUT}`,
    );
    this.reason = reason;
  }
}
