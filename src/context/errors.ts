/**
 * Thrown by `getRequestContext()` when no request is being handled: at module scope, during
 * `next build` and `generateStaticParams`, in a timer started outside a request, or while Next.js
 * renders output it caches and serves to every user (ISR regeneration, `'use cache'`).
 */
export class RequestContextUnavailableError extends Error {
  override readonly name = 'RequestContextUnavailableError';
  /** Why there is no context: `outside-request` or `cached-output`. */
  readonly reason: 'outside-request' | 'cached-output';

  constructor(reason: 'outside-request' | 'cached-output', detail?: string) {
    super(
      reason === 'outside-request'
        ? 'getRequestContext() was called outside an HTTP request (module scope, next build, ' +
            'generateStaticParams, or a timer not started by a request), so there is no trace id or user. ' +
            'Call it from code that runs while a request is handled, use tryGetRequestContext() where no ' +
            'request is a normal case, or wrap tests and scripts in runWithRequestContext().'
        : `getRequestContext() was called while Next.js renders cached output${detail ? ` (${detail})` : ''}: ` +
            'that output is served to every user, so it must not depend on one request\'s user or trace. ' +
            'Read the context in a dynamic route (await connection() from next/server), outside the cached ' +
            "scope, or use 'use cache: private'.",
    );
    this.reason = reason;
  }
}
