import { trace } from '@opentelemetry/api';
import { NextResponse } from 'next/server.js';
import type { NextRequest } from 'next/server.js';
import { USER_ID_KEY } from '../context/scope.js';
import { getUserTokenCodec } from './codec.js';
import { MAX_USER_ID_BYTES, USER_HEADER } from './user-token.js';

let warnedUnsignable = false;

/**
 * Continues the request to the route with `userId` as its verified user, for use in `proxy.ts`
 * after the app's own auth has checked the session:
 *
 * ```ts
 * export async function proxy(request: NextRequest) {
 *   return forwardVerifiedUser(request, await verifySession(request));
 * }
 * ```
 *
 * Any user header the client sent is removed; with a `userId` a fresh signed one is added, bound
 * to the request's trace, which the trusted propagator turns into the request context's `userId`.
 * With `undefined` (no valid session) the request continues anonymous. An id that cannot be signed
 * (empty, over 256 bytes) also continues anonymous, with one warning per process: the proxy never
 * throws for it.
 *
 * `init` is passed to `NextResponse.next()`, e.g. `{ headers }` for response headers.
 */
export function forwardVerifiedUser(request: NextRequest, userId: string | undefined, init?: { headers?: HeadersInit }): NextResponse {
  const headers = new Headers(request.headers);
  headers.delete(USER_HEADER);
  if (userId !== undefined) {
    const span = trace.getActiveSpan();
    const token = getUserTokenCodec().sign(userId, span?.spanContext().traceId ?? '');
    if (token !== undefined) {
      headers.set(USER_HEADER, token);
      // The proxy's own span, like every span after it, records who the request is for.
      span?.setAttribute(USER_ID_KEY, userId);
    } else if (!warnedUnsignable) {
      warnedUnsignable = true;
      const bytes = new TextEncoder().encode(userId).length;
      console.warn(`[request-context] user id not forwarded, the request continues anonymous: its length is invalid (actual: ${bytes} bytes), expected 1 to ${MAX_USER_ID_BYTES} bytes`);
    }
  }
  return NextResponse.next({ ...init, request: { headers } });
}
